/**
 * In-page code for the pages that draw (the cover page): a canvas to the base64
 * of its PNG. By `toBlob`, because an opaque canvas then gives an RGB PNG (`toDataURL` writes RGBA),
 * and by FileReader, which base64-encodes natively. The callbacks need the page's JavaScript on.
 */
export const canvasPngScript = `window.canvasPng = async (canvas) => {
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas gave no PNG');
  const url = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(',') + 1);
};`;

/** The type of `window.canvasPng` once `canvasPngScript` ran, for `page.evaluate` callbacks. */
export type CanvasPngWindow = { canvasPng: (canvas: HTMLCanvasElement) => Promise<string> };
