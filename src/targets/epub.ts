import type { Target } from './types.js';

export const epubTarget: Target = {
  name: 'epub',
  async build() {
    throw new Error('epub target: being written');
  },
};
