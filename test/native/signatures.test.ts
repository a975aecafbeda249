// The machine's chain engine through the native binding: the facts the UAC-patching
// evaluation reads when the system's file verifier cannot be relied on (Wine).
import { CERT_TRUST, interpretChain } from '../../lib/lua/chain';
import { callNative, getBinding } from '../../lib/native/load';
import { loadLuaFixtures } from '../support/wine-fixtures';

jest.setTimeout(60_000);

const lua = loadLuaFixtures();
const underWine = process.env.MSI_LUA_UNDER_WINE === '1';
const der = (hex: string) => Buffer.from(hex, 'hex');
const CERT_E_CHAINING = 0x800b010a;
const CERT_E_UNTRUSTEDROOT = 0x800b0109;

test('a signer under the CA the machine trusts: the chain reaches the root and meets the policy', async () => {
  const chain = await getBinding().verifyCertificateChain([der(lua.signerDerHex), der(lua.caDerHex)], false);
  expect(chain.policyHresult).toBe(0);
  expect(chain.elements.map((e) => e.certificate.toString('hex'))).toEqual([lua.signerDerHex, lua.caDerHex]);
  expect(chain.errorStatus & CERT_TRUST.IS_UNTRUSTED_ROOT).toBe(0);
  expect(chain.revocationChecked).toBe(false);
  // The trusted root is found in the machine's store even when the caller does not supply it.
  const fromStore = await getBinding().verifyCertificateChain([der(lua.signerDerHex)], false);
  expect(fromStore.policyHresult).toBe(0);
  expect(fromStore.elements).toHaveLength(2);
});

test('a CA the machine does not trust: CERT_E_UNTRUSTEDROOT, and CERT_E_CHAINING when the issuer is missing', async () => {
  const untrusted = await getBinding().verifyCertificateChain([der(lua.otherSignerDerHex), der(lua.otherCaDerHex)], false);
  expect(untrusted.policyHresult).toBe(CERT_E_UNTRUSTEDROOT);
  expect(untrusted.errorStatus & CERT_TRUST.IS_UNTRUSTED_ROOT).toBe(CERT_TRUST.IS_UNTRUSTED_ROOT);
  const partial = await getBinding().verifyCertificateChain([der(lua.otherSignerDerHex)], false);
  expect(partial.errorStatus & CERT_TRUST.IS_PARTIAL_CHAIN).toBe(CERT_TRUST.IS_PARTIAL_CHAIN);
  // Windows' policy says CERT_E_CHAINING; Wine 8's says S_OK, so msi-lua reads the bits too.
  expect([CERT_E_CHAINING, ...(underWine ? [0] : [])]).toContain(partial.policyHresult);
  const verdict = interpretChain(partial, () => 'x');
  expect(verdict.trusted).toBe(false);
  expect(verdict.description).toContain('CERT_TRUST_IS_PARTIAL_CHAIN');
});

test("revocation: the CA's CRL (published where its signers point) decides; without one it stays undecided", async () => {
  const good = interpretChain(await getBinding().verifyCertificateChain([der(lua.signerDerHex), der(lua.caDerHex)], true), () => 'x');
  expect(good.trusted).toBe(true);
  expect(good.revoked).toMatchObject({ known: true, value: false });
  const revokedChain = await getBinding().verifyCertificateChain([der(lua.revokedSignerDerHex), der(lua.caDerHex)], true);
  expect(revokedChain.revocationChecked).toBe(true);
  expect(revokedChain.elements[0]?.errorStatus & CERT_TRUST.IS_REVOKED).toBe(CERT_TRUST.IS_REVOKED);
  expect(interpretChain(revokedChain, () => 'x').revoked).toMatchObject({ known: true, value: true });
  // The other CA's signer names no CRL or OCSP location.
  const undecided = await getBinding().verifyCertificateChain([der(lua.otherSignerDerHex), der(lua.otherCaDerHex)], true);
  expect(undecided.elements[0]?.errorStatus & CERT_TRUST.REVOCATION_STATUS_UNKNOWN).toBe(CERT_TRUST.REVOCATION_STATUS_UNKNOWN);
  expect(interpretChain(undecided, () => 'x').revoked.known).toBe(false);
});

test('bad arguments are TypeErrors naming the argument', () => {
  const binding = getBinding() as unknown as { verifyCertificateChain: (...args: unknown[]) => unknown };
  expect(() => binding.verifyCertificateChain([], true)).toThrow(/"certificates" argument must be an array of 1 to 64 Buffers/);
  expect(() => binding.verifyCertificateChain(['nope'], true)).toThrow(/"certificates" argument must be an array of Buffers/);
  expect(() => binding.verifyCertificateChain([der(lua.signerDerHex)], 'yes')).toThrow(/"checkRevocation" argument must be a boolean/);
});

test('bytes that are not a certificate reject with the failing call named', async () => {
  await expect(callNative((b) => b.verifyCertificateChain([Buffer.from('not a certificate')], false))).rejects.toMatchObject({
    syscall: 'CertAddEncodedCertificateToStore',
  });
});
