/**
 * The shapes of DeepRacer's input embedders, without tfjs (the forward pass is `embedders.ts`)
 * (reference/deepracer.md §2.5; `markov/sensors/utils.py`,
 * `markov/architecture/custom_architectures.py`): the camera CNNs and the LiDAR dense embedder,
 * concatenated before the middleware. Conv layers are Keras `Conv2D` with 'valid' padding and ReLU;
 * images enter as luma 0..255 and are divided by 255 inside the network (Coach's input rescaling).
 *
 * Observation layout of a network with embedders: the image first, [height × width × channels]
 * row-major with channels last (stereo: left, right), then the vector part (LiDAR).
 */
import type { SensorLayout } from '../sim/observation';

export interface ConvSpec {
  filters: number;
  kernel: number;
  stride: number;
}

export interface ImageEmbedderSpec {
  height: number;
  width: number;
  channels: number;
  convs: ConvSpec[];
  /** Dense layers after the flattened convolutions (DEEP_CONVOLUTIONAL_NETWORK: [64]). */
  dense: number[];
}

export interface EmbedderSpec {
  image: ImageEmbedderSpec | null;
  /** Length of the vector part of the observation (0: none). */
  vectorSize: number;
  /** Dense layers on the vector part (DeepRacer's LiDAR embedder: [256, 256]). */
  vectorDense: number[];
}

/** DeepRacer's camera networks, by their `neural_network` names. */
export type CameraNetworkName = 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW' | 'DEEP_CONVOLUTIONAL_NETWORK';

/** The conv stacks and dense layers of DeepRacer's camera networks. */
export const CAMERA_NETWORKS: Record<CameraNetworkName, { convs: ConvSpec[]; dense: number[] }> = {
  DEEP_CONVOLUTIONAL_NETWORK_SHALLOW: {
    convs: [
      { filters: 32, kernel: 8, stride: 4 },
      { filters: 64, kernel: 4, stride: 2 },
      { filters: 64, kernel: 3, stride: 1 },
    ],
    dense: [],
  },
  DEEP_CONVOLUTIONAL_NETWORK: {
    convs: [
      { filters: 32, kernel: 5, stride: 2 },
      { filters: 32, kernel: 3, stride: 1 },
      { filters: 64, kernel: 3, stride: 2 },
      { filters: 64, kernel: 3, stride: 1 },
    ],
    dense: [64],
  },
};

/** DeepRacer's LiDAR embedder and middleware widths. */
export const LIDAR_EMBEDDER_DENSE = [256, 256];
export const DEEPRACER_MIDDLEWARE = [512];

/**
 * The embedders DeepRacer builds for a sensor list: the camera network named `network` for the image
 * (default the shallow CNN), the LiDAR embedder for a LiDAR vector; null for TRACK_GEOMETRY, alone or
 * with a LiDAR (one MLP on the concatenated vector, Raceline's fast pairing).
 */
export function embedderFor(layout: SensorLayout, network: CameraNetworkName = 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW'): EmbedderSpec | null {
  if (layout.geometry || (!layout.image && !layout.lidar)) return null;
  const cnn = CAMERA_NETWORKS[network];
  if (!cnn) throw new Error(`network: unknown camera network ${JSON.stringify(network)} (DEEP_CONVOLUTIONAL_NETWORK_SHALLOW or DEEP_CONVOLUTIONAL_NETWORK)`);
  return {
    image: layout.image ? { ...layout.image, convs: cnn.convs.map((c) => ({ ...c })), dense: [...cnn.dense] } : null,
    vectorSize: layout.vectorSize,
    vectorDense: layout.lidar ? [...LIDAR_EMBEDDER_DENSE] : [],
  };
}

/** Output height/width of a 'valid' convolution. */
export function convOutput(size: number, kernel: number, stride: number): number {
  return Math.floor((size - kernel) / stride) + 1;
}

/** [height, width, channels] after each conv layer. @throws Error when the image is too small. */
export function convShapes(image: ImageEmbedderSpec): [number, number, number][] {
  let [h, w, c] = [image.height, image.width, image.channels];
  return image.convs.map((conv) => {
    h = convOutput(h, conv.kernel, conv.stride);
    w = convOutput(w, conv.kernel, conv.stride);
    c = conv.filters;
    if (h < 1 || w < 1) throw new Error(`network: a ${image.height}×${image.width} image is too small for its convolutions`);
    return [h, w, c];
  });
}

/** Width of the concatenated embedding (what the middleware reads). */
export function embeddingWidth(e: EmbedderSpec): number {
  let width = 0;
  if (e.image) {
    const last = convShapes(e.image).at(-1);
    width += e.image.dense.length ? e.image.dense.at(-1)! : last ? last[0] * last[1] * last[2] : e.image.height * e.image.width * e.image.channels;
  }
  if (e.vectorSize > 0) width += e.vectorDense.length ? e.vectorDense.at(-1)! : e.vectorSize;
  return width;
}

/** Length of an observation for these embedders. */
export function embedderObservationSize(e: EmbedderSpec): number {
  return (e.image ? e.image.height * e.image.width * e.image.channels : 0) + e.vectorSize;
}

/** Names and shapes of one tower's embedder weights, in flat order. */
export function embedderParams(tower: string, e: EmbedderSpec): { name: string; shape: number[] }[] {
  const out: { name: string; shape: number[] }[] = [];
  if (e.image) {
    let channels = e.image.channels;
    e.image.convs.forEach((conv, i) => {
      out.push({ name: `${tower}/conv_${i}/kernel`, shape: [conv.kernel, conv.kernel, channels, conv.filters] });
      out.push({ name: `${tower}/conv_${i}/bias`, shape: [conv.filters] });
      channels = conv.filters;
    });
    const last = convShapes(e.image).at(-1)!;
    let width = last[0] * last[1] * last[2];
    e.image.dense.forEach((units, i) => {
      out.push({ name: `${tower}/image_dense_${i}/kernel`, shape: [width, units] });
      out.push({ name: `${tower}/image_dense_${i}/bias`, shape: [units] });
      width = units;
    });
  }
  let width = e.vectorSize;
  if (width > 0) {
    e.vectorDense.forEach((units, i) => {
      out.push({ name: `${tower}/vector_dense_${i}/kernel`, shape: [width, units] });
      out.push({ name: `${tower}/vector_dense_${i}/bias`, shape: [units] });
      width = units;
    });
  }
  return out;
}

/** Checks a stored embedder spec. @throws Error naming what is wrong. */
export function restoreEmbedderSpec(raw: unknown): EmbedderSpec {
  const e = raw as Partial<EmbedderSpec> | null;
  const positiveInts = (a: unknown) => Array.isArray(a) && a.every((d) => Number.isInteger(d) && d >= 1);
  if (!e || typeof e !== 'object') throw new Error('network: embedder missing');
  if (!Number.isInteger(e.vectorSize) || (e.vectorSize as number) < 0 || !positiveInts(e.vectorDense)) throw new Error('network: bad vector embedder');
  let image: ImageEmbedderSpec | null = null;
  if (e.image) {
    const i = e.image;
    if (![i.height, i.width, i.channels].every((d) => Number.isInteger(d) && d >= 1) || !positiveInts(i.dense)) throw new Error('network: bad image embedder');
    if (!Array.isArray(i.convs) || !i.convs.every((c) => [c.filters, c.kernel, c.stride].every((d) => Number.isInteger(d) && d >= 1))) throw new Error('network: bad convolutions');
    image = { height: i.height, width: i.width, channels: i.channels, convs: i.convs.map((c) => ({ ...c })), dense: [...i.dense] };
    convShapes(image);
  }
  if (!image && e.vectorSize === 0) throw new Error('network: an embedder needs an image or a vector input');
  return { image, vectorSize: e.vectorSize as number, vectorDense: [...(e.vectorDense as number[])] };
}
