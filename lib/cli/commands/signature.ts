import type { CertificateInfo } from '../../package';
import { formatFields, formatDate, toJson } from '../format';
import { openAnyForCli } from '../open';
import { findSignatureStreams } from '../../package/digest';
import { ExitCode, type CliCommand } from '../registry';
import { listing } from './listings';

function certificateFields(prefix: string, c: CertificateInfo): Array<[string, unknown]> {
  return [
    [`${prefix}subject`, c.subject],
    [`${prefix}issuer`, c.issuer],
    [`${prefix}serial`, c.serialNumber],
    [`${prefix}valid`, `${formatDate(c.validFrom)} to ${formatDate(c.validTo)}`],
    [`${prefix}SHA-1 thumbprint`, c.sha1Thumbprint],
    [`${prefix}SHA-256 thumbprint`, c.sha256Thumbprint],
  ];
}

function withoutDer(c: CertificateInfo): Omit<CertificateInfo, 'der'> & { der: string } {
  return { ...c, der: c.der.toString('base64') };
}

export const signatureCommand: CliCommand = {
  ...listing('signature'),
  usage: 'signature <file> [--json]',
  description:
    'Parses the PKCS#7 signature in \\005DigitalSignature, recomputes the package digest the way ' +
    'Windows does (streams in name order, then the root CLSID; when MsiDigitalSignatureEx is present, its ' +
    'stored bytes first) and compares it with the signed one, says apart whether the metadata stored in ' +
    'MsiDigitalSignatureEx still matches the directory (a timestamp changed after signing changes only the ' +
    "metadata, which Windows does not check), and verifies the signer's " +
    'signature with its certificate. Prints the signer (subject, issuer, serial, validity, SHA-1 and ' +
    "SHA-256 thumbprints) and the certificate chain found in the signature. Trust in the chain's root is " +
    'not checked.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 1],
  async run({ io, args }) {
    const file = args.positionals[0];
    const opened = await openAnyForCli(file);
    let report;
    if (opened.kind === 'transform') {
      // A transform is not a database, but its signature streams and digest
      // are those of any Windows Installer compound file.
      const compound = opened.compound;
      const { signature, signatureEx } = findSignatureStreams(compound);

      const { verifyPackageSignature } = require('../../package/signature') as typeof import('../../package/signature');
      report = signature
        ? verifyPackageSignature(compound, {
            signature: compound.streamData(signature),
            signatureEx: signatureEx && compound.streamData(signatureEx),
          })
        : null;
    } else {
      report = opened.pkg.verifySignature();
    }
    if (!report) {
      if (args.options.json) io.stdout.write(toJson({ file, signed: false }));
      else io.stdout.write(`${file}: not signed\n`);
      return ExitCode.UNSIGNED;
    }
    // What Windows decides: the content digest (over the stored
    // MsiDigitalSignatureEx and the content) and the signer's signature.
    // Metadata that changed after signing is reported, apart.
    const valid = report.digestValid && report.signatureValid;
    if (args.options.json) {
      io.stdout.write(
        toJson({
          file,
          signed: true,
          valid,
          ...report,
          signer: report.signer && withoutDer(report.signer),
          chain: report.chain.map(withoutDer),
          certificates: report.certificates.map(withoutDer),
        }),
      );
      return valid ? ExitCode.OK : ExitCode.SIGNATURE_INVALID;
    }
    const yesNo = (v: boolean) => (v ? 'yes' : 'NO');
    const fields: Array<[string, unknown]> = [
      ['Signed', 'yes'],
      ['Valid', valid ? 'yes' : 'NO'],
      ['Digest algorithm', report.digestAlgorithm],
      ['Signed digest', report.signedDigest],
      ['Computed digest', report.computedDigest],
      ['Digest valid', yesNo(report.digestValid)],
      ['Content', report.digestValid ? 'unchanged since signing' : 'MODIFIED after signing'],
      [
        'MsiDigitalSignatureEx',
        report.hasMsiDigitalSignatureEx
          ? `present; metadata ${report.metadataDigestValid ? 'unchanged since signing' : 'CHANGED after signing (names, sizes, CLSIDs, state bits or timestamps)'}`
          : 'absent',
      ],
      ['Signature valid', `${yesNo(report.signatureValid)} (${report.signatureAlgorithm})`],
      ['Signing time', report.signingTime ?? 'not stated'],
      ['Timestamped', report.timestamped ? 'yes' : 'no'],
    ];
    if (report.nestedSignatures > 0) fields.push(['Nested signatures', report.nestedSignatures]);
    if (report.signer) fields.push(...certificateFields('Signer ', report.signer));
    report.chain.slice(1).forEach((c, i) => fields.push(...certificateFields(`Chain ${i + 2} `, c)));
    report.problems.forEach((p, i) => fields.push([`Problem ${i + 1}`, p]));
    if (report.metadataChange) fields.push(['Note', report.metadataChange]);
    io.stdout.write(formatFields(fields));
    return valid ? ExitCode.OK : ExitCode.SIGNATURE_INVALID;
  },
};
