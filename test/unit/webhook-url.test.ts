import { afterEach, describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  provideResolver,
  refusedAddress,
  resolveWebhookAddress,
  WebhookUrlError,
} from '../../shared/webhooks/webhook-url';
import { retryDelayMs, MAX_ATTEMPTS } from '../../shared/webhooks/delivery';
import { signPayload, verifySignature } from '../../shared/webhooks/signature';

// As in AWS: no loopback allowance.
const AWS = false;

describe('a webhook URL, as AWS takes it', () => {
  const refused = [
    'http://example.com/hook',
    'http://127.0.0.1:8080/hook',
    'https://127.0.0.1/hook',
    'https://127.1/hook',
    'https://2130706433/hook',
    'https://0x7f000001/hook',
    'https://localhost/hook',
    'http://localhost:8080/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:169.254.169.254]/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://169.254.170.2/v2/credentials',
    'https://[fd00:ec2::254]/latest/meta-data/',
    'https://[fe80::1]/',
    'https://10.0.0.1/',
    'https://172.16.5.4/',
    'https://192.168.0.1/',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://[64:ff9b::a00:1]/',
    'https://[2002:a00:1::]/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://example.com/',
    'javascript:alert(1)',
    'https://example.com:22/',
    'https://example.com:25/',
    'https://example.com/#fragment',
    'https://ip-10-0-0-1.ec2.internal/',
    'https://router.corp/',
    'https://nas.local/',
    'https://intranet/',
    `https://example.com/${'a'.repeat(2100)}`,
    'not a url',
  ];
  for (const url of refused) {
    it(`refuses ${url.slice(0, 60)}`, () => {
      expect(() => checkWebhookUrl(url, AWS)).toThrow(WebhookUrlError);
    });
  }

  const taken = [
    'https://example.com/hook',
    'https://hooks.example.net:8443/peerflow?token=abc',
    'https://93.184.215.14/hook',
    'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/',
  ];
  for (const url of taken) {
    it(`takes ${url}`, () => {
      expect(() => checkWebhookUrl(url, AWS)).not.toThrow();
    });
  }
});

describe('a webhook URL with the local loopback allowance', () => {
  it('takes plain http to loopback, and still refuses it to anything else', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3999/h', true).host).toBe('127.0.0.1');
    expect(checkWebhookUrl('http://localhost:3999/h', true).host).toBe('localhost');
    expect(checkWebhookUrl('http://[::1]:3999/h', true).host).toBe('::1');
    expect(() => checkWebhookUrl('http://example.com/h', true)).toThrow(WebhookUrlError);
    expect(() => checkWebhookUrl('http://10.0.0.1/h', true)).toThrow(WebhookUrlError);
    expect(() => checkWebhookUrl('https://169.254.169.254/', true)).toThrow(WebhookUrlError);
  });
});

describe('the addresses a name resolves to', () => {
  afterEach(() => provideResolver(undefined));

  it('must all be public: one private address among them refuses the name', async () => {
    provideResolver(async () => ['93.184.215.14', '10.0.0.7']);
    await expect(
      resolveWebhookAddress(checkWebhookUrl('https://mixed.example.com/', AWS), AWS),
    ).rejects.toThrow(/resolves to 10\.0\.0\.7/);
  });

  it('gives the address the connection goes to', async () => {
    provideResolver(async () => ['93.184.215.14']);
    expect(await resolveWebhookAddress(checkWebhookUrl('https://ok.example.com/', AWS), AWS)).toBe(
      '93.184.215.14',
    );
  });

  it('refuses a name that resolves to the metadata service, or to loopback, or to nothing', async () => {
    for (const answer of [['169.254.169.254'], ['127.0.0.1'], ['::1'], ['::ffff:10.0.0.1']]) {
      provideResolver(async () => answer);
      await expect(
        resolveWebhookAddress(checkWebhookUrl('https://rebind.example.com/', AWS), AWS),
      ).rejects.toThrow(WebhookUrlError);
    }
    provideResolver(async () => []);
    await expect(
      resolveWebhookAddress(checkWebhookUrl('https://none.example.com/', AWS), AWS),
    ).rejects.toThrow(/does not resolve/);
  });

  it('says which ranges are refused', () => {
    expect(refusedAddress('8.8.8.8', AWS)).toBeNull();
    expect(refusedAddress('2001:4860:4860::8888', AWS)).toBeNull();
    expect(refusedAddress('169.254.169.254', AWS)).toMatch(/link-local/);
    expect(refusedAddress('127.0.0.1', true)).toBeNull();
    expect(refusedAddress('127.0.0.1', AWS)).not.toBeNull();
  });
});

describe('the retry waits', () => {
  it('double from one attempt to the next, each within its half-random window', () => {
    const low = () => 0;
    const high = () => 0.999999;
    const waits = [1, 2, 3, 4].map((n) => [retryDelayMs(n, 30, low), retryDelayMs(n, 30, high)]);
    expect(waits).toEqual([
      [15_000, 30_000],
      [30_000, 60_000],
      [60_000, 120_000],
      [120_000, 240_000],
    ]);
    // Never shorter than the wait before, whatever the jitter drew.
    for (let n = 2; n < MAX_ATTEMPTS; n++)
      expect(retryDelayMs(n, 30, low)).toBe(retryDelayMs(n - 1, 30, high));
  });
});

describe('the signature', () => {
  it('is the HMAC-SHA256 of "<t>.<body>", and refuses an old timestamp', () => {
    const header = signPayload('whsec_test', 1_700_000_000, '{"a":1}');
    // Computed apart: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(header).toBe('t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
    expect(verifySignature('whsec_test', header, '{"a":1}', 300, 1_700_000_100_000)).toBe(true);
    expect(verifySignature('whsec_test', header, '{"a":1}', 300, 1_700_001_000_000)).toBe(false);
    expect(verifySignature('whsec_test', header, '{"a":2}', 300, 1_700_000_100_000)).toBe(false);
    expect(verifySignature('whsec_test', 'garbage', '{"a":1}')).toBe(false);
  });
});
