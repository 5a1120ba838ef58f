/**
 * The model codecs the garage and share links use (zip export and import, link encode and decode, 8-bit weights,
 * package mapping), gathered for one dynamic `import()`: they (and fflate) load when a model is first exported,
 * imported, shared or opened from a link, not with the page.
 */
export { exportModelZip, importModelZip, ZIP_LIMITS } from '../share/model-zip';
export { decodeShareLink, encodeShareLink, MAX_LINK_CHARS } from '../share/link-codec';
export { dequantize, quantizeWeights } from '../share/quantize';
export { modelFromPackage, packageFromModel } from '../store/package-mapping';

