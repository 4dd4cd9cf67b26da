// No personal data in any log line: a canary holder goes through every path that logs (verdicts,
// ignored documents, failed reads, unplugged devices, operator mistakes), and the captured pino
// output must not hold the name, the number, the address or the code text.
import { describe, expect, it } from 'vitest';
import { createKioskLogger } from '../../../main/kiosk/log.js';
import { citizenIdNumber } from '../../../tools/issuer/index.js';
import { HOLDER, LogCapture, card, code, startTestKiosk, useKioskBench } from './fixtures.js';

const ctx = useKioskBench();
const CANARY = { name: '金丝雀测试', number: citizenIdNumber('110105', '1985-01-01', 777), address: '金丝雀路9号' };
const canaryHolder = { ...HOLDER, name: CANARY.name, documentNumber: CANARY.number, birthDate: '1985-01-01', address: CANARY.address };

describe('log redaction', () => {
  it('keeps the canary out of every line the kiosk writes', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'bank' } });
    const text = code(canaryHolder);
    await t.send({ type: 'wedgeScan', text });
    await t.send({ type: 'wedgeScan', text }); // the same scan: ignored and logged
    const busy = t.kiosk.handle({ type: 'wedgeScan', text: code(canaryHolder, Math.floor(Date.now() / 1000) - 5) });
    t.fakes.cardReader.emit('card', { ...card('resident'), name: CANARY.name, address: CANARY.address, idNumber: CANARY.number });
    await busy;
    await t.pass(6000);
    t.fakes.cardReader.present({ ...card('resident'), name: CANARY.name, address: CANARY.address, idNumber: CANARY.number });
    await t.pass(600);
    t.fakes.cardReader.lift();
    t.fakes.cardReader.present({ ...card('resident'), name: CANARY.name }, { failWith: 0x41 });
    await t.pass(600);
    await t.send({ type: 'wedgeScan', text: `EID1:${CANARY.name}${CANARY.number}` });
    t.fakes.qrScanner.unplug();
    await t.send({ type: 'operatorLogin', pin: '0000' });
    await t.pass(1000);
    await t.close();

    const log = t.log.text;
    expect(log).toContain('"event":"verdict"');
    expect(log).toContain('"event":"document_ignored"');
    expect(log).toContain('"event":"card_read_failed"');
    for (const secret of [CANARY.name, CANARY.number, CANARY.address, CANARY.number.slice(0, 14), text.slice(5, 40)]) expect(log).not.toContain(secret);
  });

  it('redacts personal keys should a caller ever pass them', () => {
    const capture = new LogCapture();
    const logger = createKioskLogger({ destination: capture });
    logger.info({ holder: { name: CANARY.name }, number: CANARY.number, event: { document: { number: CANARY.number } }, text: 'EID1:XYZ', photo: 'data:image/jpeg;base64,AAAA' }, 'oops');
    logger.info({ subject: { address: CANARY.address } }, 'oops again');
    expect(capture.text).toContain('[redacted]');
    for (const secret of [CANARY.name, CANARY.number, CANARY.address, 'EID1:XYZ', 'AAAA']) expect(capture.text).not.toContain(secret);
  });
});
