// What a patch (.msp) says about itself: its summary information carries the
// patch code and the codes it obsoletes (Revision Number), the product codes
// it targets (Template) and the names of its transform sub-storages (Last
// Saved By); MsiPatchMetadata and MsiPatchSequence describe it further. Each
// transform sub-storage has a summary of its own naming the product and
// version it changes and the one it produces.

import type { SummaryInformation } from './summary';

const GUID = /\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}/g;

export interface TransformInfo {
  /** Sub-storage name, e.g. "RTM.1" or "#RTM.1" (the patch transform). */
  name: string;
  /** Whether the sub-storage exists in the patch. */
  present: boolean;
  summary: SummaryInformation | null;
  /** From the transform's Revision Number: the product and version it applies to ... */
  targetProductCode: string | null;
  targetProductVersion: string | null;
  /** ... the product and version it produces ... */
  upgradedProductCode: string | null;
  upgradedProductVersion: string | null;
  /** ... and the upgrade code. */
  upgradeCode: string | null;
}

export interface PatchMetadataEntry {
  company: string | null;
  property: string;
  value: string | null;
}

export interface PatchSequenceEntry {
  patchFamily: string;
  productCode: string | null;
  sequence: string;
  attributes: number | null;
}

/** pkg.patch of a .msp: its codes, targets and transforms (summary), MsiPatchMetadata and MsiPatchSequence. */
export interface PatchInfo {
  patchCode: string | null;
  obsoletedPatchCodes: string[];
  targetProductCodes: string[];
  /** Transform names listed in the summary, without the ":" prefix. */
  transformNames: string[];
  transforms: TransformInfo[];
  metadata: PatchMetadataEntry[];
  sequence: PatchSequenceEntry[];
}

export function guidsIn(text: string | null): string[] {
  return text ? (text.match(GUID) ?? []).map((g) => g.toUpperCase()) : [];
}

export function splitList(text: string | null): string[] {
  return text
    ? text
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** Parses a transform's Revision Number: "{code}version;{code}version;{upgrade}". */
export function describeTransform(name: string, summary: SummaryInformation | null, present: boolean): TransformInfo {
  const parts = (summary?.revisionNumber ?? '').split(';');
  const productAndVersion = (part: string | undefined): [string | null, string | null] => {
    const match = /^\s*(\{[0-9A-Fa-f-]{36}\})(.*)$/.exec(part ?? '');
    return match ? [match[1].toUpperCase(), match[2].trim() || null] : [null, null];
  };
  const [targetProductCode, targetProductVersion] = productAndVersion(parts[0]);
  const [upgradedProductCode, upgradedProductVersion] = productAndVersion(parts[1]);
  const upgrade = guidsIn(parts[2] ?? null)[0] ?? null;
  return {
    name,
    present,
    summary,
    targetProductCode,
    targetProductVersion,
    upgradedProductCode,
    upgradedProductVersion,
    upgradeCode: upgrade,
  };
}

export function patchSummaryFields(
  summary: SummaryInformation,
): Pick<PatchInfo, 'patchCode' | 'obsoletedPatchCodes' | 'targetProductCodes' | 'transformNames'> {
  const codes = guidsIn(summary.revisionNumber);
  return {
    patchCode: codes[0] ?? null,
    obsoletedPatchCodes: codes.slice(1),
    targetProductCodes: guidsIn(summary.template),
    transformNames: splitList(summary.lastSavedBy).map((s) => (s.startsWith(':') ? s.slice(1) : s)),
  };
}
