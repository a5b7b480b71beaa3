/** Injection tokens for the values built once at boot. */
export const CONFIG = Symbol('CONFIG');
export const RUNTIME = Symbol('RUNTIME');
export const TEMPORAL = Symbol('TEMPORAL');
export const CLOCK = Symbol('CLOCK');
