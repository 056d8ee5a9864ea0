/** Copying text for the user, including where the Clipboard API is missing. */

/**
 * Writes `text` to the clipboard, or, where that is not allowed (navigator.clipboard exists
 * only in secure contexts, not on http://<LAN address>), selects `element`'s text so that one
 * Ctrl+C copies it.
 */
export async function copyOrSelect(text: string, element: HTMLElement | undefined): Promise<'copied' | 'selected'> {
  try {
    await navigator.clipboard.writeText(text);
    return 'copied';
  } catch {
    if (element) getSelection()?.selectAllChildren(element);
    return 'selected';
  }
}
