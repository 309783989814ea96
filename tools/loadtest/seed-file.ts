/** One Hexo-style seed file of the load test. */
export function seedFile(
  title: string,
  date: Date,
  categories: readonly string[],
  paragraphs: readonly string[],
): string {
  return [
    '---',
    `title: "${title}"`,
    `date: ${date.toISOString()}`,
    'categories:',
    ...categories.map((c) => ` - ${c}`),
    '---',
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '',
  ].join('\n');
}
