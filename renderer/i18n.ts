// Every word the kiosk screen shows, in Simplified Chinese and English: reasons, results, notices,
// devices, documents and the screen's own labels. Written for a hotel clerk, not a cryptographer.
import type { DeviceName, DocumentSource, Language, Notice, OperatorStatus, Reason, Result, SAMPLE_CARDS, SAMPLE_CODES, DeviceHealthView } from '../main/api/contract.js';

/** One piece of wording in both languages; the type makes a missing translation a compile error. */
export type Words<T = string> = { readonly [L in Language]: T };

export function say<T>(language: Language, words: Words<T>): T {
  return words[language];
}

/** The language names as the visitor who reads them would write them. */
export const LANGUAGE_NAMES: Words = { 'zh-CN': '中文', en: 'English' };
export const LANGUAGE_ORDER: readonly Language[] = ['zh-CN', 'en'];

/** One plain sentence per reason code: what went wrong and, where the clerk can act, what to do. */
export const REASON_TEXT: Record<Reason, Words> = {
  unknown_prefix: { 'zh-CN': '这不是本机能识别的证件二维码。', en: 'This is not an ID code this kiosk can read.' },
  bad_base45: { 'zh-CN': '二维码内容已损坏，无法读取。', en: 'The code is damaged and cannot be read.' },
  bad_compression: { 'zh-CN': '二维码中的数据已损坏，无法读取。', en: 'The data inside the code is corrupted and cannot be read.' },
  too_large: { 'zh-CN': '二维码中的数据过多，不是正常的证件码。', en: 'The code holds far too much data to be an ID code.' },
  bad_cose: { 'zh-CN': '二维码的格式不正确，无法读取。', en: 'The code is not laid out the way an ID code should be.' },
  unsupported_alg: { 'zh-CN': '二维码使用了本机不接受的签名方式。', en: 'The code is signed in a way this kiosk does not accept.' },
  unknown_kid: { 'zh-CN': '签发此码的密钥不在本机的信任名单中。', en: 'The code was signed with a key this kiosk does not trust.' },
  key_revoked: { 'zh-CN': '签发此码的密钥已被撤销。', en: 'The key that signed this code has been withdrawn.' },
  key_not_yet_valid: { 'zh-CN': '签发此码时，签发密钥尚未生效。', en: 'The signing key was not yet in force when this code was made.' },
  key_expired: { 'zh-CN': '签发此码的密钥已过期。', en: 'The key that signed this code has expired.' },
  key_usage: { 'zh-CN': '签发密钥无权签发这类证件码。', en: 'The signing key is not allowed to sign this kind of code.' },
  issuer_mismatch: { 'zh-CN': '码中写明的签发机关与签发密钥不符。', en: 'The issuer named in the code does not match the key that signed it.' },
  doctype_not_allowed: { 'zh-CN': '该签发机关无权签发这类证件。', en: 'This issuer is not allowed to issue this type of document.' },
  bad_signature: { 'zh-CN': '签名不符，二维码可能被篡改过。', en: 'The signature does not match: the code may have been altered.' },
  bad_claims: { 'zh-CN': '二维码中的身份信息不完整或格式错误。', en: 'The identity details in the code are incomplete or malformed.' },
  not_yet_valid: { 'zh-CN': '此二维码尚未生效。', en: 'This code is not valid yet.' },
  expired: { 'zh-CN': '此二维码已过期，请客人在手机上刷新后重新出示。', en: 'This code has expired. Ask the guest to refresh it on the phone and show it again.' },
  iat_in_future: { 'zh-CN': '二维码的生成时间晚于现在，请检查手机或本机的时间。', en: 'The code says it was made in the future: check the time on the phone or on this kiosk.' },
  lifetime_too_long: { 'zh-CN': '此二维码的有效时间超过规定。', en: 'This code is valid for longer than the rules allow.' },
  bad_document_number: { 'zh-CN': '证件号码不正确。', en: 'The document number is not a correct number.' },
  document_expired: { 'zh-CN': '证件已过有效期。', en: 'The document itself has expired.' },
  revoked: { 'zh-CN': '此证件已挂失或注销。', en: 'This document has been reported lost or cancelled.' },
  replayed: { 'zh-CN': '此二维码已在本机用过，请客人在手机上刷新后重新出示。', en: 'This code has already been used here. Ask the guest to refresh it on the phone and show it again.' },
  stale_trust_list: { 'zh-CN': '本机的信任名单已过期，请联网同步后再核验。', en: "This kiosk's list of trusted issuers is out of date: connect it to the network and sync." },
  stale_status_list: { 'zh-CN': '本机的挂失名单已过期，无法确认此证件是否已挂失。', en: "This kiosk's list of lost and cancelled documents is out of date, so it cannot tell whether this one is cancelled." },
  clock_unsynced: { 'zh-CN': '本机时钟未校准，无法判断有效期。', en: "This kiosk's clock is not set, so it cannot check dates." },
};

/** The verdict's big word and the sentence beneath it. */
export const RESULT_TEXT: Record<Result, { readonly word: Words; readonly summary: Words }> = {
  valid: {
    word: { 'zh-CN': '有效', en: 'Valid' },
    summary: { 'zh-CN': '证件真实有效。', en: 'The document is genuine and valid.' },
  },
  invalid: {
    word: { 'zh-CN': '无效', en: 'Invalid' },
    summary: { 'zh-CN': '请勿接受此证件。', en: 'Do not accept this document.' },
  },
  cannot_validate: {
    word: { 'zh-CN': '无法核验', en: 'Cannot check' },
    summary: { 'zh-CN': '本机暂时无法核验，请人工核对证件。', en: 'The kiosk cannot check this now: check the document by hand.' },
  },
  unreadable: {
    word: { 'zh-CN': '无法读取', en: 'Unreadable' },
    summary: { 'zh-CN': '请重新出示证件。', en: 'Please present the document again.' },
  },
  unsupported: {
    word: { 'zh-CN': '不支持', en: 'Not supported' },
    summary: { 'zh-CN': '本机不支持这种码。', en: 'This kiosk does not handle this kind of code.' },
  },
};

export const DEVICE_TEXT: Record<DeviceName, Words> = {
  'card-reader': { 'zh-CN': '读卡器', en: 'Card reader' },
  'qr-scanner': { 'zh-CN': '扫码器', en: 'QR scanner' },
  camera: { 'zh-CN': '摄像头', en: 'Camera' },
  signals: { 'zh-CN': '指示灯与蜂鸣器', en: 'Lights and buzzer' },
};

export const DEVICE_STATE_TEXT: Record<DeviceHealthView['state'], Words> = {
  ready: { 'zh-CN': '正常', en: 'Ready' },
  absent: { 'zh-CN': '未连接', en: 'Not connected' },
  faulty: { 'zh-CN': '故障', en: 'Fault' },
  simulated: { 'zh-CN': '模拟', en: 'Simulated' },
  disabled: { 'zh-CN': '已停用', en: 'Disabled' },
};

export const SOURCE_TEXT: Record<DocumentSource, Words> = {
  'card-reader': { 'zh-CN': '读卡器', en: 'Card reader' },
  'qr-scanner': { 'zh-CN': '扫码器', en: 'QR scanner' },
  camera: { 'zh-CN': '摄像头', en: 'Camera' },
  'keyboard-wedge': { 'zh-CN': '扫码枪', en: 'Handheld scanner' },
};

export const FORMAT_TEXT: Record<'eid' | 'dcc' | 'card', Words> = {
  eid: { 'zh-CN': '电子证照码', en: 'Digital ID code' },
  dcc: { 'zh-CN': '欧盟数字证书', en: 'EU digital certificate' },
  card: { 'zh-CN': '实体证件', en: 'ID card' },
};

/** Document types of HolderView.documentType; an unknown type is shown as its code. */
export const DOCUMENT_TYPE_TEXT: Readonly<Record<string, Words>> = {
  'CN-RIC': { 'zh-CN': '居民身份证', en: 'Resident ID card' },
  'CN-HMT': { 'zh-CN': '港澳台居民居住证', en: 'Hong Kong, Macao and Taiwan residence permit' },
  'CN-FPR': { 'zh-CN': '外国人永久居留身份证', en: 'Foreign permanent resident ID card' },
  'EU-DCC': { 'zh-CN': '欧盟数字新冠证书', en: 'EU Digital COVID Certificate' },
};

const birthDate: Words = { 'zh-CN': '出生日期', en: 'Date of birth' };
const sex: Words = { 'zh-CN': '性别', en: 'Sex' };
const nationality: Words = { 'zh-CN': '国籍', en: 'Nationality' };
const ethnicity: Words = { 'zh-CN': '民族', en: 'Ethnicity' };
const address: Words = { 'zh-CN': '住址', en: 'Address' };
const authority: Words = { 'zh-CN': '签发机关', en: 'Issuing authority' };
const validFrom: Words = { 'zh-CN': '有效期起', en: 'Valid from' };
const validTo: Words = { 'zh-CN': '有效期至', en: 'Valid to' };
/** Labels of HolderView.fields keys: the site profile's field names (also as `holder.NAME`) and the eid claim names. */
const FIELD_TEXT: Readonly<Record<string, Words>> = {
  birthDate,
  db: birthDate,
  sex,
  sx: sex,
  nationality,
  nt: nationality,
  ethnicity,
  na: ethnicity,
  address,
  ad: address,
  authority,
  issuingAuthority: authority,
  ia: authority,
  validFrom,
  vf: validFrom,
  validTo,
  vt: validTo,
};

/** The label of a holder field, or undefined for a key the screen does not know (shown as it is). */
export function fieldLabel(key: string): Words | undefined {
  return FIELD_TEXT[key.replace(/^holder\./, '')];
}

type SampleCode = (typeof SAMPLE_CODES)[number];
type SampleCard = (typeof SAMPLE_CARDS)[number];

/** The simulation panel's samples, in the order it lists them. */
export const SAMPLE_CODE_TEXT: Record<SampleCode, Words> = {
  valid: { 'zh-CN': '有效', en: 'Valid' },
  expired: { 'zh-CN': '已过期', en: 'Expired' },
  revoked: { 'zh-CN': '已挂失', en: 'Revoked' },
  tampered: { 'zh-CN': '被篡改', en: 'Tampered' },
  replayed: { 'zh-CN': '重复使用', en: 'Replayed' },
  'foreign-issuer': { 'zh-CN': '外来签发者', en: 'Foreign issuer' },
};

export const SAMPLE_CARD_TEXT: Record<SampleCard, Words> = {
  resident: { 'zh-CN': '居民身份证', en: 'Resident card' },
  'resident-long-term': { 'zh-CN': '长期身份证', en: 'Long-term resident card' },
  'hk-macao-taiwan': { 'zh-CN': '港澳台居住证', en: 'HK/Macao/Taiwan permit' },
  'foreign-2017': { 'zh-CN': '外国人永居证 2017', en: 'Foreigner card 2017' },
  'foreign-2023': { 'zh-CN': '外国人永居证 2023', en: 'Foreigner card 2023' },
  'revoked-card': { 'zh-CN': '已挂失的证件', en: 'Revoked card' },
};

export function noticeText(language: Language, notice: Notice): string {
  const device = notice.device ? say(language, DEVICE_TEXT[notice.device]) : say(language, UI.aDevice);
  switch (notice.code) {
    case 'device_absent':
      return language === 'zh-CN' ? `${device}未连接` : `${device} is not connected`;
    case 'device_faulty':
      return language === 'zh-CN' ? `${device}出现故障` : `${device} is not working`;
    case 'lists_stale_soon':
      return say(language, UI.listsStaleSoon);
    case 'lists_stale':
      return say(language, UI.listsStale);
    case 'clock_unsynced':
      return say(language, UI.clockUnsynced);
    case 'offline':
      return say(language, UI.offline);
    case 'not_enrolled':
      return say(language, UI.notEnrolled);
  }
}

export const SYNC_STATE_TEXT: Record<OperatorStatus['sync']['state'], Words> = {
  online: { 'zh-CN': '在线', en: 'Online' },
  offline: { 'zh-CN': '离线', en: 'Offline' },
  degraded: { 'zh-CN': '连接不稳定', en: 'Degraded' },
  disabled: { 'zh-CN': '已停用', en: 'Disabled' },
};

/** The screen's own labels. */
export const UI = {
  present: { 'zh-CN': '请出示证件', en: 'Please show your ID' },
  presentHint: { 'zh-CN': '任选一种方式', en: 'Either way works' },
  placeCard: { 'zh-CN': '把身份证平放在读卡器上', en: 'Lay your ID card flat on the reader' },
  showCode: { 'zh-CN': '把手机上的二维码对准扫码器', en: 'Hold the ID code on your phone under the scanner' },
  or: { 'zh-CN': '或', en: 'or' },
  reading: { 'zh-CN': '正在读取', en: 'Reading' },
  readingCard: { 'zh-CN': '请勿移开证件', en: 'Keep the card on the reader' },
  readingCode: { 'zh-CN': '请保持手机不动', en: 'Hold your phone still' },
  verifying: { 'zh-CN': '正在核验', en: 'Checking' },
  verifyingHint: { 'zh-CN': '请稍候', en: 'One moment, please' },
  starting: { 'zh-CN': '正在启动', en: 'Starting' },
  reconnecting: { 'zh-CN': '正在重新连接', en: 'Reconnecting' },
  reconnectingHint: { 'zh-CN': '屏幕与本机的连接中断，正在恢复。', en: 'The screen lost its link to the kiosk and is restoring it.' },
  language: { 'zh-CN': '语言', en: 'Language' },
  notices: { 'zh-CN': '提示', en: 'Notices' },
  aDevice: { 'zh-CN': '设备', en: 'A device' },
  listsStaleSoon: { 'zh-CN': '核验名单即将过期，请尽快联网同步', en: 'The checking lists go out of date soon: connect to sync' },
  listsStale: { 'zh-CN': '核验名单已过期，结果将为"无法核验"', en: 'The checking lists are out of date: verdicts will say "cannot check"' },
  clockUnsynced: { 'zh-CN': '本机时钟未校准', en: "The kiosk's clock is not set" },
  offline: { 'zh-CN': '离线：记录将在联网后上传', en: 'Offline: records will upload when back online' },
  notEnrolled: {
    'zh-CN': '本机尚未在公安机关登记，住客信息未被记录：请手工登记并联系管理员',
    en: 'This kiosk is not registered with the bureau yet, so guest details are not being recorded: register guests by hand and call the operator',
  },
  verdict: { 'zh-CN': '核验结果', en: 'Verdict' },
  reasons: { 'zh-CN': '原因', en: 'Reasons' },
  holder: { 'zh-CN': '持证人', en: 'Holder' },
  photo: { 'zh-CN': '持证人照片', en: "Holder's photo" },
  name: { 'zh-CN': '姓名', en: 'Name' },
  latinName: { 'zh-CN': '英文姓名', en: 'Name in Latin script' },
  documentType: { 'zh-CN': '证件类型', en: 'Document' },
  documentNumber: { 'zh-CN': '证件号码', en: 'Number' },
  readBy: { 'zh-CN': '读取方式', en: 'Read by' },
  hold: { 'zh-CN': '保留结果', en: 'Keep on screen' },
  dismiss: { 'zh-CN': '完成', en: 'Done' },
  held: { 'zh-CN': '结果已保留，按"完成"清除', en: 'Kept on screen: press Done to clear' },
  clearsIn: { 'zh-CN': (s: number) => `${s} 秒后自动清除`, en: (s: number) => `Clears in ${s} s` },
  hiddenDigits: { 'zh-CN': (n: number) => `隐藏 ${n} 位`, en: (n: number) => `${n} hidden` },
  operator: { 'zh-CN': '操作员', en: 'Operator' },
  operatorSignIn: { 'zh-CN': '操作员登录', en: 'Operator sign-in' },
  enterPin: { 'zh-CN': '请输入 PIN 码', en: 'Enter the PIN' },
  pinDigits: { 'zh-CN': (n: number) => `已输入 ${n} 位`, en: (n: number) => `${n} digits entered` },
  deleteDigit: { 'zh-CN': '删除', en: 'Delete' },
  clear: { 'zh-CN': '清空', en: 'Clear' },
  signIn: { 'zh-CN': '登录', en: 'Sign in' },
  cancel: { 'zh-CN': '取消', en: 'Cancel' },
  wrongPin: {
    'zh-CN': (n: number) => `PIN 码错误，还可尝试 ${n} 次`,
    en: (n: number) => `Wrong PIN: ${n} ${n === 1 ? 'attempt' : 'attempts'} left`,
  },
  wrongPinNoCount: { 'zh-CN': 'PIN 码错误', en: 'Wrong PIN' },
  lockedUntil: { 'zh-CN': (t: string) => `输入错误次数过多，已锁定至 ${t}`, en: (t: string) => `Too many wrong PINs: locked until ${t}` },
  locked: { 'zh-CN': '输入错误次数过多，已锁定', en: 'Too many wrong PINs: locked' },
  commandFailed: { 'zh-CN': '操作未完成，请重试', en: 'That did not go through: please try again' },
  console: { 'zh-CN': '操作员控制台', en: 'Operator console' },
  signOut: { 'zh-CN': '退出登录', en: 'Sign out' },
  devices: { 'zh-CN': '设备', en: 'Devices' },
  device: { 'zh-CN': '设备', en: 'Device' },
  state: { 'zh-CN': '状态', en: 'State' },
  check: { 'zh-CN': '检查', en: 'What to check' },
  lists: { 'zh-CN': '核验名单', en: 'Checking lists' },
  list: { 'zh-CN': '名单', en: 'List' },
  trustList: { 'zh-CN': '信任名单', en: 'Trust list' },
  statusList: { 'zh-CN': '挂失名单', en: 'Status list' },
  sequence: { 'zh-CN': '版本号', en: 'Sequence' },
  issued: { 'zh-CN': '签发', en: 'Issued' },
  entries: { 'zh-CN': '条目', en: 'Entries' },
  staleIn: { 'zh-CN': '距过期', en: 'Goes stale in' },
  stale: { 'zh-CN': '已过期', en: 'Stale' },
  noList: { 'zh-CN': '未安装', en: 'Not installed' },
  ago: { 'zh-CN': (d: string) => `${d}前`, en: (d: string) => `${d} ago` },
  sync: { 'zh-CN': '同步', en: 'Sync' },
  syncState: { 'zh-CN': '连接', en: 'Connection' },
  lastSync: { 'zh-CN': '上次同步', en: 'Last sync' },
  never: { 'zh-CN': '从未', en: 'Never' },
  lastError: { 'zh-CN': '最近错误', en: 'Last error' },
  enrolment: { 'zh-CN': '登记', en: 'Enrolment' },
  notEnrolledShort: { 'zh-CN': '未登记', en: 'Not enrolled' },
  enrolmentRefused: {
    'zh-CN': (code: string) => `公安机关拒绝了登记码（${code}）：请向公安机关索取新的登记码`,
    en: (code: string) => `the bureau refused the enrolment code (${code}): ask the bureau for a new one`,
  },
  backlog: { 'zh-CN': '待上传记录', en: 'Records waiting to upload' },
  syncNow: { 'zh-CN': '立即同步', en: 'Sync now' },
  syncStarted: { 'zh-CN': '已开始同步', en: 'Sync started' },
  clock: { 'zh-CN': '时钟', en: 'Clock' },
  clockTrusted: { 'zh-CN': '已校准', en: 'Set' },
  clockUntrusted: { 'zh-CN': '未校准', en: 'Not set' },
  recent: { 'zh-CN': '最近的核验（不含个人信息）', en: 'Recent verdicts (no personal data)' },
  time: { 'zh-CN': '时间', en: 'Time' },
  result: { 'zh-CN': '结果', en: 'Result' },
  source: { 'zh-CN': '来源', en: 'Source' },
  noneYet: { 'zh-CN': '暂无', en: 'None yet' },
  deviceId: { 'zh-CN': '设备编号', en: 'Kiosk' },
  version: { 'zh-CN': '版本', en: 'Version' },
  simulation: { 'zh-CN': '模拟', en: 'Simulation' },
  simulationPanel: { 'zh-CN': '模拟设备', en: 'Simulated devices' },
  showPanel: { 'zh-CN': '打开模拟面板', en: 'Open simulation panel' },
  hidePanel: { 'zh-CN': '收起模拟面板', en: 'Close simulation panel' },
  codes: { 'zh-CN': '出示二维码', en: 'Present a code' },
  via: { 'zh-CN': '通过', en: 'Via' },
  cards: { 'zh-CN': '放置证件', en: 'Place a card' },
  liftCard: { 'zh-CN': '拿走证件', en: 'Lift the card' },
  plugs: { 'zh-CN': '插拔设备', en: 'Plug and unplug' },
  unplug: { 'zh-CN': '拔出', en: 'Unplug' },
  replug: { 'zh-CN': '插回', en: 'Plug in' },
} as const satisfies Record<string, Words<string> | Words<(n: number) => string> | Words<(t: string) => string>>;
