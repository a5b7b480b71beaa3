/** Time as the API sees it; tests inject their own to run a session's idle limit in no time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
