/**
 * Hands a file made on the page to the browser, as a download: nothing goes back to the
 * gateway, so what is exported is exactly what the page shows.
 */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the browser has started the download, which it does within this task.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
