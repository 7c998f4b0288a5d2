/** The primitives STOQ uses when none are given, in a browser: @noble (see ./default.ts). */
export { nobleCrypto as defaultCrypto } from './noble'
