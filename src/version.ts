/** Replaced with package.json's version by the build (tsup `define`). */
declare const __HEAPLENS_VERSION__: string | undefined;

export const HEAPLENS_VERSION: string = typeof __HEAPLENS_VERSION__ === 'string' ? __HEAPLENS_VERSION__ : '0.0.0-dev';
