/** Whether a site resource can be subscribed to: a feed, but not the OPML list of feeds. */
export function isFeedResource(
  resource: { readonly isFeed: boolean; readonly contentType: string } | undefined,
): boolean {
  return (
    resource !== undefined && resource.isFeed && !resource.contentType.startsWith('text/x-opml')
  );
}
