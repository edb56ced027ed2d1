import { code } from '../spec.js';

/** Validation of documents and request bodies at any edge (HTTP, CLI files, job payloads). */
export const documentCodes = {
  DOCUMENT__INVALID: code<{ issues: readonly { path: string; message: string; code: string }[] }>(
    400,
    'Document failed schema validation',
  ),
  DOCUMENT__UNPARSABLE: code<{ reason: string }>(400, 'Document is not valid JSON'),
} as const;
