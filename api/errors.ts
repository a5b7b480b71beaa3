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
