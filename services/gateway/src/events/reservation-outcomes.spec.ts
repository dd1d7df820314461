import { ReservationOutcomes } from './reservation-outcomes.js';

describe('ReservationOutcomes', () => {
  const R = '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b';

  it('should wake a request waiting for its reservation at the first news of it', async () => {
    const sut = new ReservationOutcomes();
    const waited = sut.wait(R, 2_000);

    sut.settle(R);

    await expect(waited).resolves.toBe(true);
    expect(sut.pending).toBe(0);
  });

  it('should answer at once for news heard before the request looked, and wait past news already read', async () => {
    const sut = new ReservationOutcomes();
    sut.settle(R);

    const early = await sut.wait(R, 2_000);
    const heard = sut.heard(R);
    const after = sut.wait(R, 20, heard);

    expect(early).toBe(true);
    await expect(after).resolves.toBe(false);
    expect(sut.pending).toBe(0);
  });

  it('should give up after its time without news of its own, another reservation’s news aside', async () => {
    const sut = new ReservationOutcomes();
    const waited = sut.wait(R, 20);

    sut.settle('0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10');

    await expect(waited).resolves.toBe(false);
    expect(sut.pending).toBe(0);
  });
});
