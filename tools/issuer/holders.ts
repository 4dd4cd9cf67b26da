// The fictional holders every sample code is issued to — the demo, the tests and the benchmarks
// share them, so a change to what a holder carries reaches all of them. None is a real person.
import { citizenIdNumber, type EidHolder } from './eid.js';

/**
 * Resident cards from Beijing, Shanghai and Guangzhou (王五 is the one the demo revokes), a
 * Hong Kong/Macao/Taiwan permit and a 2023-form foreign permanent residence card.
 */
export const SAMPLE_HOLDERS = {
  zhangSan: {
    documentType: 'CN-RIC',
    documentNumber: citizenIdNumber('110105', '1990-03-07', 123),
    name: '张三',
    sex: 1,
    ethnicity: '01',
    birthDate: '1990-03-07',
    address: '北京市朝阳区示例路1号',
    authority: '北京市公安局朝阳分局',
    validFrom: '2020-05-01',
    validTo: '2040-05-01',
  },
  liSi: {
    documentType: 'CN-RIC',
    documentNumber: citizenIdNumber('310104', '1988-11-23', 24),
    name: '李四',
    sex: 2,
    ethnicity: '01',
    birthDate: '1988-11-23',
    address: '上海市徐汇区示例路2号',
    authority: '上海市公安局徐汇分局',
    validFrom: '2015-08-10',
    validTo: '2035-08-10',
  },
  wangWu: {
    documentType: 'CN-RIC',
    documentNumber: citizenIdNumber('110108', '1975-06-18', 51),
    name: '王五',
    sex: 1,
    ethnicity: '03',
    birthDate: '1975-06-18',
    authority: '北京市公安局海淀分局',
    validFrom: '2016-01-20',
    validTo: null,
  },
  zhaoLiu: {
    documentType: 'CN-RIC',
    documentNumber: citizenIdNumber('440106', '1981-09-30', 88),
    name: '赵六',
    sex: 2,
    ethnicity: '01',
    birthDate: '1981-09-30',
    authority: '广州市公安局天河分局',
    validFrom: '2019-10-08',
    validTo: '2039-10-08',
  },
  chenQi: {
    documentType: 'CN-HMT',
    documentNumber: citizenIdNumber('810000', '1993-02-14', 37),
    name: '陈七',
    latinName: 'CHAN, CHAT',
    sex: 1,
    birthDate: '1993-02-14',
    authority: '北京市公安局',
    validFrom: '2024-04-01',
    validTo: '2029-04-01',
  },
  smith: {
    documentType: 'CN-FPR',
    // 2023 form: 9, province 11, country 840, birth date, sequence, check character.
    documentNumber: citizenIdNumber('911840', '1985-03-15', 1),
    name: '史密斯约翰',
    latinName: 'SMITH, JOHN',
    sex: 1,
    nationality: 'USA',
    birthDate: '1985-03-15',
    authority: '国家移民管理局',
    validFrom: '2023-12-01',
    validTo: '2033-12-01',
  },
} as const satisfies Record<string, EidHolder>;
