// The chain engine's raw bits turned into trust, revocation and expiry facts.
import { CERT_TRUST, interpretChain } from '../../../lib/lua/chain';
import type { NativeChainElement, NativeChainFacts } from '../../../lib/native/binding';

const CERT_E_UNTRUSTEDROOT = 0x800b0109;
const CRYPT_E_REVOKED = 0x80092010;
const CRYPT_E_NO_REVOCATION_CHECK = 0x80092012;

function element(name: string, errorStatus = 0, revocationResult: number | null = null): NativeChainElement {
  return { certificate: Buffer.from(name), errorStatus, infoStatus: 0, revocationResult };
}

function chain(elements: NativeChainElement[], policyHresult = 0, revocationChecked = true): NativeChainFacts {
  const errorStatus = elements.reduce((bits, e) => bits | e.errorStatus, 0);
  return { errorStatus, infoStatus: 0, policyHresult, revocationChecked, elements };
}

const name = (der: Buffer) => `CN=${der.toString()}`;

test('a trusted chain with revocation checked everywhere: trusted and not revoked', () => {
  const verdict = interpretChain(chain([element('signer'), element('root')]), name);
  expect(verdict.trusted).toBe(true);
  expect(verdict.revoked).toMatchObject({ known: true, value: false });
  expect(verdict.expired).toMatchObject({ known: true, value: false });
  expect(verdict.path).toEqual(['CN=signer', 'CN=root']);
  expect(verdict.description).toContain('CN=signer → CN=root');
});

test('a revoked signer is revoked even though the chain is otherwise trusted', () => {
  const verdict = interpretChain(
    chain([element('signer', CERT_TRUST.IS_REVOKED, CRYPT_E_REVOKED), element('root')], CRYPT_E_REVOKED),
    name,
  );
  expect(verdict.trusted).toBe(true);
  expect(verdict.revoked).toMatchObject({ known: true, value: true });
  expect(verdict.revoked.known && verdict.revoked.source).toContain('CN=signer is revoked');
});

test('revocation that could not be decided is unknown, naming the certificate and the reason', () => {
  const bits = CERT_TRUST.REVOCATION_STATUS_UNKNOWN | CERT_TRUST.IS_OFFLINE_REVOCATION;
  const verdict = interpretChain(chain([element('signer', bits, CRYPT_E_NO_REVOCATION_CHECK), element('root')]), name);
  expect(verdict.trusted).toBe(true);
  expect(verdict.revoked.known).toBe(false);
  expect(!verdict.revoked.known && verdict.revoked.reason).toMatch(/CN=signer \(CRYPT_E_NO_REVOCATION_CHECK\)/);
});

test('revocation not asked for is unknown', () => {
  expect(interpretChain(chain([element('signer'), element('root')], 0, false), name).revoked.known).toBe(false);
});

test('an untrusted root: not trusted, and its clean revocation bits prove nothing', () => {
  const verdict = interpretChain(chain([element('signer'), element('root', CERT_TRUST.IS_UNTRUSTED_ROOT)], CERT_E_UNTRUSTEDROOT), name);
  expect(verdict.trusted).toBe(false);
  expect(verdict.description).toMatch(/CERT_TRUST_IS_UNTRUSTED_ROOT; Authenticode policy: CERT_E_UNTRUSTEDROOT/);
  expect(verdict.revoked.known).toBe(false);
});

test('an expired signer is reported expired (the policy verdict ignores time validity)', () => {
  const verdict = interpretChain(chain([element('signer', CERT_TRUST.IS_NOT_TIME_VALID), element('root')]), name);
  expect(verdict.trusted).toBe(true);
  expect(verdict.expired).toMatchObject({ known: true, value: true });
});

test('an empty chain has no signer to judge', () => {
  const verdict = interpretChain(chain([], CERT_E_UNTRUSTEDROOT), name);
  expect(verdict.trusted).toBe(false);
  expect(verdict.expired.known).toBe(false);
});

test('a partial chain is not trusted even when the policy verdict is S_OK (as Wine 8 answers)', () => {
  const verdict = interpretChain(chain([element('signer', CERT_TRUST.IS_PARTIAL_CHAIN)], 0), name);
  expect(verdict.trusted).toBe(false);
  expect(verdict.description).toContain('CERT_TRUST_IS_PARTIAL_CHAIN');
  expect(verdict.revoked.known).toBe(false);
});

test('where the engine\'s "not revoked" is unreliable, only a revoked bit is believed', () => {
  const options = { notRevokedUnreliable: 'the engine caches verdicts' };
  const clean = interpretChain(chain([element('signer'), element('root')]), name, options);
  expect(clean.revoked.known).toBe(false);
  expect(!clean.revoked.known && clean.revoked.reason).toMatch(/^the engine caches verdicts; chain engine:/);
  const revoked = interpretChain(chain([element('signer', CERT_TRUST.IS_REVOKED), element('root')]), name, options);
  expect(revoked.revoked).toMatchObject({ known: true, value: true });
});
