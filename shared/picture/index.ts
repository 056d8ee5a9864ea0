/**
 * The received picture, apart from the transfer that fills it: the one public surface of
 * shared/picture. The transfer's placer writes pixels into a {@link Picture}; a display reads its
 * RGBA, takes the rectangles that changed, and asks for the concealed view or the loss mask.
 */
export { Picture, type Coverage, type PictureWriter } from './picture.ts';
export { conceal } from './conceal.ts';
export type { Rect } from './dirty-bands.ts';
