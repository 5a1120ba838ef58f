/**
 * The forward pass of DeepRacer's input embedders (shapes and rules in `embedder-spec.ts`): camera
 * convolutions ('valid', ReLU, images /255 inside the network) and dense layers, the LiDAR dense
 * embedder, concatenated before the middleware.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from './layers';
import { conv2dValid } from './conv';
import type { EmbedderSpec } from './embedder-spec';

export * from './embedder-spec';

/**
 * One tower's embedding.
 * @param obs [n, observationSize] float32 (image luma 0..255, then the vector part).
 * @param w the tower's embedder weights in `embedderParams` order (consumed from `w[k]` on).
 * @returns the embedding [n, embeddingWidth] and the index of the next weight.
 */
export function embed(obs: tf.Tensor2D, e: EmbedderSpec, w: tf.Tensor[], k: number): { out: tf.Tensor2D; next: number } {
  const n = obs.shape[0];
  const parts: tf.Tensor2D[] = [];
  let at = 0;
  if (e.image) {
    const size = e.image.height * e.image.width * e.image.channels;
    let x: tf.Tensor4D = tf.reshape(tf.div(tf.slice(obs, [0, 0], [n, size]), 255), [n, e.image.height, e.image.width, e.image.channels]);
    at = size;
    e.image.convs.forEach((conv, i) => {
      x = tf.relu(conv2dValid(x, w[k] as tf.Tensor4D, w[k + 1] as tf.Tensor1D, conv.stride, i > 0)) as tf.Tensor4D;
      k += 2;
    });
    let flat = tf.reshape(x, [n, -1]) as tf.Tensor2D;
    for (let i = 0; i < e.image.dense.length; i++) {
      flat = tf.relu(dense(flat, w[k] as tf.Tensor2D, w[k + 1] as tf.Tensor1D)) as tf.Tensor2D;
      k += 2;
    }
    parts.push(flat);
  }
  if (e.vectorSize > 0) {
    let v = tf.slice(obs, [0, at], [n, e.vectorSize]) as tf.Tensor2D;
    for (let i = 0; i < e.vectorDense.length; i++) {
      v = tf.relu(dense(v, w[k] as tf.Tensor2D, w[k + 1] as tf.Tensor1D, i > 0)) as tf.Tensor2D;
      k += 2;
    }
    parts.push(v);
  }
  return { out: parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D), next: k };
}

