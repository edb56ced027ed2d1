export { AppError, type AppErrorOptions, isAppError } from './app-error.js';
export { formatIssuePath } from './issue-path.js';
export {
  type ErrorCode,
  type ErrorContext,
  errorCodes,
  httpStatusByCode,
  isErrorCode,
} from './registry.js';
export { type CodeSpec, code, type HttpStatus } from './spec.js';
