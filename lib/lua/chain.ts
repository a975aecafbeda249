// What the machine's chain engine said about a patch signer, turned into the facts the
// rules need. The native layer returns the raw CERT_TRUST_* bits and the Authenticode
// policy verdict; the meaning of each lives here.
import { describeHResult } from '../errors';
import { CRYPT_E_REVOKED } from '../errors/codes.generated';
import type { NativeChainFacts } from '../native/binding';
import { type Fact, known, unknown } from './rules';

export const CERT_TRUST = {
  IS_NOT_TIME_VALID: 0x1,
  IS_REVOKED: 0x4,
  IS_NOT_SIGNATURE_VALID: 0x8,
  IS_NOT_VALID_FOR_USAGE: 0x10,
  IS_UNTRUSTED_ROOT: 0x20,
  REVOCATION_STATUS_UNKNOWN: 0x40,
  IS_CYCLIC: 0x80,
  IS_PARTIAL_CHAIN: 0x10000,
  IS_OFFLINE_REVOCATION: 0x1000000,
  IS_EXPLICIT_DISTRUST: 0x4000000,
} as const;

/**
 * Chain errors that mean "not trusted" whatever the policy verdict says: Wine 8's
 * Authenticode policy returns S_OK for a partial chain (issuer not found), where Windows
 * returns CERT_E_CHAINING, so the bits are read as well.
 */
const UNTRUSTED_BITS =
  CERT_TRUST.IS_NOT_SIGNATURE_VALID |
  CERT_TRUST.IS_NOT_VALID_FOR_USAGE |
  CERT_TRUST.IS_UNTRUSTED_ROOT |
  CERT_TRUST.IS_CYCLIC |
  CERT_TRUST.IS_PARTIAL_CHAIN |
  CERT_TRUST.IS_EXPLICIT_DISTRUST;

export interface ChainVerdict {
  /** The chain reaches a root this machine trusts and meets the Authenticode policy. */
  trusted: boolean;
  /** The chain and the policy verdict in words. */
  description: string;
  /** Some certificate of the chain is revoked; unknown when revocation could not be decided. */
  revoked: Fact<boolean>;
  /** The signer certificate is outside its validity period (does not fail UAC patching). */
  expired: Fact<boolean>;
  /** Subjects of the chain the engine built, signer first, for evidence. */
  path: string[];
}

function bitNames(bits: number): string {
  const names = Object.entries(CERT_TRUST)
    .filter(([, bit]) => (bits & bit) !== 0)
    .map(([name]) => `CERT_TRUST_${name}`);
  return names.length ? names.join(' | ') : 'no error bits';
}

export interface InterpretOptions {
  /**
   * Why a clean revocation result from this engine proves nothing (Wine 8.0 caches a
   * revoked verdict as good); a revoked bit is still believed.
   */
  notRevokedUnreliable?: string;
}

/** Interprets the chain facts. `subjectOf` names a DER certificate for the evidence. */
export function interpretChain(chain: NativeChainFacts, subjectOf: (der: Buffer) => string, options: InterpretOptions = {}): ChainVerdict {
  const policy = describeHResult(chain.policyHresult).code;
  const path = chain.elements.map((e) => subjectOf(e.certificate));
  const where = `chain engine: ${path.join(' → ') || '(no chain)'}; ${bitNames(chain.errorStatus)}; Authenticode policy: ${policy}`;
  const signer = chain.elements[0];

  // CRYPT_E_REVOKED is a verdict about revocation, not about trust: the revocation fact
  // carries it, and a chain that is otherwise trusted stays "trusted".
  const trusted = (chain.policyHresult === 0 || chain.policyHresult === CRYPT_E_REVOKED) && (chain.errorStatus & UNTRUSTED_BITS) === 0;

  let revoked: Fact<boolean>;
  const revokedElement = chain.elements.find((e) => (e.errorStatus & CERT_TRUST.IS_REVOKED) !== 0);
  if (revokedElement || (chain.errorStatus & CERT_TRUST.IS_REVOKED) !== 0) {
    revoked = known(true, `${revokedElement ? subjectOf(revokedElement.certificate) : 'a certificate'} is revoked; ${where}`);
  } else if (!chain.revocationChecked) {
    revoked = unknown('revocation was not checked');
  } else if ((chain.errorStatus & (CERT_TRUST.REVOCATION_STATUS_UNKNOWN | CERT_TRUST.IS_OFFLINE_REVOCATION)) !== 0) {
    const undecided = chain.elements
      .filter((e) => (e.errorStatus & (CERT_TRUST.REVOCATION_STATUS_UNKNOWN | CERT_TRUST.IS_OFFLINE_REVOCATION)) !== 0)
      .map((e) => `${subjectOf(e.certificate)}${e.revocationResult ? ` (${describeHResult(e.revocationResult).code})` : ''}`);
    revoked = unknown(`revocation could not be decided for ${undecided.join(', ') || 'the chain'}; ${where}`);
  } else if (!trusted) {
    revoked = unknown(`the chain is not trusted, so its revocation status is no evidence; ${where}`);
  } else if (options.notRevokedUnreliable) {
    revoked = unknown(`${options.notRevokedUnreliable}; ${where}`);
  } else {
    revoked = known(false, `revocation checked for the whole chain; ${where}`);
  }

  const expired: Fact<boolean> = signer
    ? known((signer.errorStatus & CERT_TRUST.IS_NOT_TIME_VALID) !== 0, 'chain engine (signer validity period)')
    : unknown('the chain engine returned no signer');
  return { trusted, description: where, revoked, expired, path };
}
