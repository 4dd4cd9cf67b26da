// Fictional cards for the card-reader simulator, one or more of each kind, with valid GB 11643
// check characters; plus the writer that lays fields out in the 256-byte UCS-2LE text block.
import { checkCharacter } from '../../../drivers/card-reader/gb11643.js';

export interface SimulatedCard {
  /** Fixture name used on the control channel. */
  readonly label: string;
  readonly text: Uint8Array;
  readonly photo: Uint8Array;
  /** What the reader answers to select card (8 bytes); tells two cards apart. */
  readonly chipSerial: Uint8Array;
}

/** Writes `value` as UCS-2LE at `offset`, padded with spaces to `bytes`. */
export function putField(block: Uint8Array, offset: number, bytes: number, value: string): void {
  if (value.length * 2 > bytes) throw new RangeError(`field at ${offset}: "${value.length}" characters do not fit ${bytes} bytes`);
  const padded = value.padEnd(bytes / 2, ' ');
  for (let i = 0; i < padded.length; i++) {
    const c = padded.charCodeAt(i);
    block[offset + 2 * i] = c & 0xff;
    block[offset + 2 * i + 1] = c >> 8;
  }
}

function blankBlock(): Uint8Array {
  const b = new Uint8Array(256);
  putField(b, 0, 256, '');
  return b;
}

/** 17 digits + their check character. */
export function withCheck(body17: string): string {
  const c = checkCharacter(body17);
  if (c === undefined) throw new RangeError('withCheck: need 17 digits');
  return body17 + c;
}

/** 1,024 fixed filler bytes standing in for the WLT photo; it holds a preamble on purpose. */
export function fillerPhoto(seed: number): Uint8Array {
  const p = new Uint8Array(1024);
  for (let i = 0; i < p.length; i++) p[i] = (i * 37 + seed * 11) & 0xff;
  p.set([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04], 500);
  return p;
}

function serial(n: number): Uint8Array {
  return Uint8Array.of(0x53, 0x49, 0x4d, 0x00, 0x00, 0x00, 0x00, n);
}

export interface ResidentFields {
  name: string;
  sex: string;
  ethnicity: string;
  birth: string;
  address: string;
  idNumber: string;
  authority: string;
  validFrom: string;
  validTo: string;
}

export function residentText(f: ResidentFields, j?: { passNumber: string; issueCount: string }): Uint8Array {
  const b = blankBlock();
  putField(b, 0, 30, f.name);
  putField(b, 30, 2, f.sex);
  putField(b, 32, 4, j ? '' : f.ethnicity);
  putField(b, 36, 16, f.birth);
  putField(b, 52, 70, f.address);
  putField(b, 122, 36, f.idNumber);
  putField(b, 158, 30, f.authority);
  putField(b, 188, 16, f.validFrom);
  putField(b, 204, 16, f.validTo);
  if (j) {
    putField(b, 220, 18, j.passNumber);
    putField(b, 238, 4, j.issueCount);
    putField(b, 248, 2, 'J');
  }
  return b;
}

export function foreigner2017Text(f: {
  nameEnglish: string;
  sex: string;
  number: string;
  nationality: string;
  name: string;
  validFrom: string;
  validTo: string;
  birth: string;
  version: string;
  authorityCode: string;
}): Uint8Array {
  const b = blankBlock();
  putField(b, 0, 120, f.nameEnglish);
  putField(b, 120, 2, f.sex);
  putField(b, 122, 30, f.number);
  putField(b, 152, 6, f.nationality);
  putField(b, 158, 30, f.name);
  putField(b, 188, 16, f.validFrom);
  putField(b, 204, 16, f.validTo);
  putField(b, 220, 16, f.birth);
  putField(b, 236, 4, f.version);
  putField(b, 240, 8, f.authorityCode);
  putField(b, 248, 2, 'I');
  return b;
}

export function foreigner2023Text(f: {
  name: string;
  sex: string;
  renewalCount: string;
  birth: string;
  nameEnglish: string;
  idNumber: string;
  validFrom: string;
  validTo: string;
  nationality: string;
  previousCardLink: string;
}): Uint8Array {
  const b = blankBlock();
  putField(b, 0, 30, f.name);
  putField(b, 30, 2, f.sex);
  putField(b, 32, 4, f.renewalCount);
  putField(b, 36, 16, f.birth);
  putField(b, 52, 70, f.nameEnglish.slice(0, 35));
  putField(b, 122, 36, f.idNumber);
  putField(b, 188, 16, f.validFrom);
  putField(b, 204, 16, f.validTo);
  putField(b, 220, 22, f.nameEnglish.slice(35, 46));
  putField(b, 242, 6, f.nationality);
  putField(b, 248, 2, 'Y');
  putField(b, 250, 6, f.previousCardLink);
  return b;
}

/** The fixtures, by label. All people, numbers and addresses are invented. */
export const CARDS: Readonly<Record<string, SimulatedCard>> = {
  resident: {
    label: 'resident',
    text: residentText({
      name: '李小明',
      sex: '1',
      ethnicity: '01',
      birth: '19900307',
      address: '北京市东城区示例胡同1号',
      idNumber: withCheck('11010119900307123'),
      authority: '北京市公安局东城分局',
      validFrom: '20200101',
      validTo: '20400101',
    }),
    photo: fillerPhoto(1),
    chipSerial: serial(1),
  },
  'resident-long-term': {
    label: 'resident-long-term',
    text: residentText({
      name: '王秀英',
      sex: '2',
      ethnicity: '03',
      birth: '19600812',
      address: '宁夏回族自治区银川市兴庆区样例路88号',
      idNumber: withCheck('64010419600812004'),
      authority: '银川市公安局兴庆区分局',
      validFrom: '20160505',
      validTo: '长期',
    }),
    photo: fillerPhoto(2),
    chipSerial: serial(2),
  },
  'hk-macao-taiwan': {
    label: 'hk-macao-taiwan',
    text: residentText(
      {
        name: '陈大文',
        sex: '1',
        ethnicity: '',
        birth: '19850615',
        address: '广东省深圳市福田区示范大道2号',
        idNumber: withCheck('81000019850615003'),
        authority: '深圳市公安局福田分局',
        validFrom: '20240301',
        validTo: '20290301',
      },
      { passNumber: 'H00000001', issueCount: '01' },
    ),
    photo: fillerPhoto(3),
    chipSerial: serial(3),
  },
  'foreign-2017': {
    label: 'foreign-2017',
    text: foreigner2017Text({
      nameEnglish: 'SAMPLE, JOHN EXAMPLE',
      sex: '1',
      number: 'USA110085010112',
      nationality: 'USA',
      name: '约翰',
      validFrom: '20180101',
      validTo: '20280101',
      birth: '19850101',
      version: '01',
      authorityCode: '1100',
    }),
    photo: fillerPhoto(4),
    chipSerial: serial(4),
  },
  'foreign-2023': {
    label: 'foreign-2023',
    text: foreigner2023Text({
      name: '玛丽亚',
      sex: '2',
      renewalCount: '00',
      birth: '19900202',
      nameEnglish: 'EXAMPLES GONZALEZ, MARIA ALEJANDRA FERNANDA',
      idNumber: withCheck('91172419900202002'),
      validFrom: '20240101',
      validTo: '20340101',
      nationality: 'ESP',
      previousCardLink: '000',
    }),
    photo: fillerPhoto(5),
    chipSerial: serial(5),
  },
};
