/**
 * A model opened from a share link (`#m1.…` in the address). Decoding runs nothing: the page shows what the link
 * holds, the reward code as text included. Only when the user accepts is the model saved; it is then evaluated
 * with the seed and number of trials the link claims, and a result that does not reproduce is flagged
 * (`Studio.evaluation.check`). The reward code runs only if the user later trains or clones the model.
 */
import type { ModelPackage } from '../share/model-package';
import { newId } from '../store/records';
import type { SharedLinkHost } from './studio-host';

/** The link codec, loaded when a link is opened (share-codecs.ts). */
const codecs = () => import('./share-codecs');

/** A fragment that looks like a share link (`#m1.…`, also behind a router path such as `#/open/m1.…`). */
const LINK_FRAGMENT = /(?:^#|[#/?&=])m\d+\./;

export class SharedLink {
  /** What the link holds, once decoded. */
  pkg = $state.raw<ModelPackage | null>(null);
  /** Why the link cannot be opened (a ShareError message, written for the user). */
  error = $state<string | null>(null);
  stage = $state<'idle' | 'decoding' | 'ready' | 'saving' | 'saved'>('idle');
  /** Characters of the link's fragment. */
  chars = $state(0);
  /** The saved model's id after accepting. */
  savedId = $state<string | null>(null);

  constructor(private readonly studio: SharedLinkHost) {}

  /** True while a link is on show (decoding, to accept, or saved). */
  get open(): boolean {
    return this.stage !== 'idle';
  }

  /** Opens the link in the page's address, if there is one; listens for links pasted into the address later. */
  async openFromAddress(): Promise<void> {
    if (typeof window === 'undefined') return;
    window.addEventListener('hashchange', () => void this.openFragment(location.hash));
    await this.openFragment(location.hash);
  }

  /** Decodes a fragment (nothing runs). A fragment that is no share link is ignored. */
  async openFragment(fragment: string): Promise<void> {
    if (!LINK_FRAGMENT.test(fragment)) return;
    this.stage = 'decoding';
    this.pkg = null;
    this.error = null;
    this.savedId = null;
    this.chars = fragment.replace(/^#/, '').length;
    try {
      const { decodeShareLink } = await codecs();
      this.pkg = await decodeShareLink(fragment);
    } catch (e) {
      this.error = (e as Error).message;
    }
    this.stage = 'ready';
  }

  /** Saves the shared model in the garage, then evaluates it with the link's seed and checks the claimed result. */
  async accept(): Promise<void> {
    const pkg = this.pkg;
    const store = this.studio.store;
    if (!pkg || this.stage !== 'ready') return;
    if (!store) {
      this.error = 'Browser storage is unavailable: the model cannot be kept in this session.';
      return;
    }
    this.stage = 'saving';
    try {
      const { modelFromPackage } = await codecs();
      const { model, weights, extras } = modelFromPackage(pkg, 'link', newId('model'));
      await store.saveModel(model, weights, extras);
      this.savedId = model.id;
      this.stage = 'saved';
      clearFragment();
      await this.studio.garage.refresh();
      void this.studio.storage.refresh();
      await this.studio.evaluateModel(model.id);
    } catch (e) {
      this.error = (e as Error).message;
      this.stage = 'ready';
    }
  }

  /** Closes the link without saving anything. */
  dismiss(): void {
    this.stage = 'idle';
    this.pkg = null;
    this.error = null;
    this.savedId = null;
    clearFragment();
  }
}

/** Removes the link from the address (without a reload or a history entry), so a reload does not open it again. */
function clearFragment(): void {
  if (typeof history !== 'undefined' && location.hash) history.replaceState(null, '', location.pathname + location.search);
}
