/**
 * The primitives STOQ uses when none are given: node:crypto in Node. Browser bundles get
 * ./default.browser.ts instead (the "browser" field of package.json), so no browser build pulls in
 * node:crypto.
 */
export { nodeCrypto as defaultCrypto } from './node'
