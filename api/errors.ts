/** Typed errors with stable codes; the exception filter alone turns them into HTTP. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`, 404);
export const badRequest = (message: string, field?: string) =>
  new AppError('BAD_REQUEST', message, 400, field);
export const unauthenticated = (message = 'authentication required', code = 'UNAUTHENTICATED') =>
  new AppError(code, message, 401);
export const forbidden = (message = 'your role does not allow this') =>
  new AppError('FORBIDDEN', message, 403);
export const conflict = (code: string, message: string, field?: string) =>
  new AppError(code, message, 409, field);
