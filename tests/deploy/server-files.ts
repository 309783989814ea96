/** The files an export holds for nginx and static hosts besides the site (tests/deploy/ checks them). */
export function isServerFile(file: string): boolean {
  return (
    /\.(gz|br)$/.test(file) ||
    file.startsWith('.seedfeed-nginx/') ||
    ['404.html', '_headers', '_redirects'].includes(file)
  );
}
