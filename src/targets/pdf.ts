import type { Target } from './types.js';

export const pdfTarget: Target = {
  name: 'pdf',
  async build() {
    throw new Error('pdf target: being written');
  },
};
