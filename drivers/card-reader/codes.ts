// Code tables printed on the cards: sex (GB/T 2261.1) and ethnicity (GB/T 3304-1991, with its
// romanised names), as the reader's text block stores them.

export interface CodedValue {
  readonly code: string;
  /** Chinese label as printed on the card; undefined for a code outside the table. */
  readonly zh: string | undefined;
  /** English label; undefined for a code outside the table. */
  readonly en: string | undefined;
}

export const SEX_CODES: Readonly<Record<string, { zh: string; en: string }>> = {
  '0': { zh: '未知的性别', en: 'unknown' },
  '1': { zh: '男', en: 'male' },
  '2': { zh: '女', en: 'female' },
  '9': { zh: '未说明的性别', en: 'unspecified' },
};

/** GB/T 3304-1991: two-digit code → Chinese name (without 族) and the standard's romanisation. */
export const ETHNICITY_CODES: Readonly<Record<string, { zh: string; en: string }>> = {
  '01': { zh: '汉', en: 'Han' },
  '02': { zh: '蒙古', en: 'Mongol' },
  '03': { zh: '回', en: 'Hui' },
  '04': { zh: '藏', en: 'Zang' },
  '05': { zh: '维吾尔', en: 'Uygur' },
  '06': { zh: '苗', en: 'Miao' },
  '07': { zh: '彝', en: 'Yi' },
  '08': { zh: '壮', en: 'Zhuang' },
  '09': { zh: '布依', en: 'Buyei' },
  '10': { zh: '朝鲜', en: 'Chosen' },
  '11': { zh: '满', en: 'Man' },
  '12': { zh: '侗', en: 'Dong' },
  '13': { zh: '瑶', en: 'Yao' },
  '14': { zh: '白', en: 'Bai' },
  '15': { zh: '土家', en: 'Tujia' },
  '16': { zh: '哈尼', en: 'Hani' },
  '17': { zh: '哈萨克', en: 'Kazak' },
  '18': { zh: '傣', en: 'Dai' },
  '19': { zh: '黎', en: 'Li' },
  '20': { zh: '傈僳', en: 'Lisu' },
  '21': { zh: '佤', en: 'Va' },
  '22': { zh: '畲', en: 'She' },
  '23': { zh: '高山', en: 'Gaoshan' },
  '24': { zh: '拉祜', en: 'Lahu' },
  '25': { zh: '水', en: 'Shui' },
  '26': { zh: '东乡', en: 'Dongxiang' },
  '27': { zh: '纳西', en: 'Naxi' },
  '28': { zh: '景颇', en: 'Jingpo' },
  '29': { zh: '柯尔克孜', en: 'Kirgiz' },
  '30': { zh: '土', en: 'Tu' },
  '31': { zh: '达斡尔', en: 'Daur' },
  '32': { zh: '仫佬', en: 'Mulao' },
  '33': { zh: '羌', en: 'Qiang' },
  '34': { zh: '布朗', en: 'Blang' },
  '35': { zh: '撒拉', en: 'Salar' },
  '36': { zh: '毛南', en: 'Maonan' },
  '37': { zh: '仡佬', en: 'Gelao' },
  '38': { zh: '锡伯', en: 'Xibe' },
  '39': { zh: '阿昌', en: 'Achang' },
  '40': { zh: '普米', en: 'Pumi' },
  '41': { zh: '塔吉克', en: 'Tajik' },
  '42': { zh: '怒', en: 'Nu' },
  '43': { zh: '乌孜别克', en: 'Uzbek' },
  '44': { zh: '俄罗斯', en: 'Russ' },
  '45': { zh: '鄂温克', en: 'Ewenki' },
  '46': { zh: '德昂', en: 'Deang' },
  '47': { zh: '保安', en: 'Bonan' },
  '48': { zh: '裕固', en: 'Yugur' },
  '49': { zh: '京', en: 'Gin' },
  '50': { zh: '塔塔尔', en: 'Tatar' },
  '51': { zh: '独龙', en: 'Derung' },
  '52': { zh: '鄂伦春', en: 'Oroqen' },
  '53': { zh: '赫哲', en: 'Hezhen' },
  '54': { zh: '门巴', en: 'Monba' },
  '55': { zh: '珞巴', en: 'Lhoba' },
  '56': { zh: '基诺', en: 'Jino' },
  '97': { zh: '其他', en: 'Other' },
  '98': { zh: '外国血统中国籍人士', en: 'Chinese citizen of foreign origin' },
};

export function sexOf(code: string): CodedValue {
  const hit = SEX_CODES[code];
  return { code, zh: hit?.zh, en: hit?.en };
}

export function ethnicityOf(code: string): CodedValue {
  const hit = ETHNICITY_CODES[code];
  return { code, zh: hit?.zh, en: hit?.en };
}
