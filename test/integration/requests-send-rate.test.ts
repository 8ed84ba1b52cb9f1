import { describe, expect, it } from 'vitest';
import { sendRateRepository } from '../../shared/requests/send-rate-store';

/** The deployment's token bucket, driven with explicit clock values (no waiting, no timing). */
describe('send rate token bucket', () => {
  it('lets a burst of one second through, then one token per 1/rate seconds', async () => {
    const t = 1_800_000_000_000;
    expect(await sendRateRepository.take(2, t)).toEqual({ ok: true });
    expect(await sendRateRepository.take(2, t)).toEqual({ ok: true });
    const refused = await sendRateRepository.take(2, t);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 0.5 });
    expect(await sendRateRepository.take(2, t + 250)).toMatchObject({ ok: false });
    expect(await sendRateRepository.take(2, t + 500)).toEqual({ ok: true });
    expect(await sendRateRepository.take(2, t + 500)).toMatchObject({ ok: false });
  });

  it('hands out no more tokens than the bucket holds to concurrent takers', async () => {
    const t = 1_900_000_000_000;
    const results = await Promise.all(Array.from({ length: 6 }, () => sendRateRepository.take(3, t)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
  });
});
