/** `--near-dup-threshold` / SEEDFEED_NEAR_DUP_THRESHOLD through the CLI, and `scan --json` explaining a near merge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { makeTempDir } from '../support/seeds.js';

const PARAGRAPHS = [
  '衡阳，是湖南著名的老工业基地。近年来，在湖南产业数字化的突飞猛进中，衡阳的力量不容小觑。',
  '2月11日至12日，湖南省委书记、省人大常委会主任在衡阳调研，工业企业数字化智能化升级是主题之一。',
  '产业数字化已成趋势，尤其是工业数字化潜力巨大。搭上这趟时代的快车，是衡阳乃至全省推动高质量发展的关键一棋。',
  '2021年12月，工信部等八部门联合印发的《“十四五”智能制造发展规划》中，开宗明义：智能制造是制造强国建设的主攻方向。',
  '到2025年，规模以上制造业企业大部分实现数字化网络化，重点行业骨干企业初步应用智能化；到2035年，规模以上制造业企业全面普及数字化网络化。',
  '此次调研的建滔（衡阳）实业有限公司，可谓衡阳盐卤化工行业的龙头企业。建滔集团是一家港资企业，在衡阳成立建滔公司，投资近20年。',
];
const file = (title: string, date: string, extra: string[]) =>
  [
    '---',
    `title: ${title}`,
    `date: ${date}`,
    '---',
    ...[...PARAGRAPHS, ...extra].map((p) => `<p>${p}</p>`),
  ].join('\n');

async function scan(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await main(['scan', '--json', '--seeds', temp.dir, ...args], env, {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir();
  await writeFile(
    path.join(temp.dir, 'a.md'),
    file('衡阳数字化升级', '2022-02-13 10:00:00 +0800', ['湖南日报：新湖南，新闻从这里开始']),
  );
  await writeFile(
    path.join(temp.dir, 'b.md'),
    file('聚焦｜衡阳老工业基地', '2022-02-14 10:00:00 +0800', [
      '图为衡阳一家企业的智能工厂。记者 张磊 摄',
    ]),
  );
});
afterAll(() => temp.remove());

describe('seedfeed scan --json', () => {
  it('merges near-duplicates by default and says why', async () => {
    const { code, out } = await scan([]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.articles).toHaveLength(1);
    expect(report.nearDuplicates).toBe(1);
    const [merged] = report.articles[0].merged;
    expect(merged.source).toBe('b.md');
    expect(merged.reason).toBe('near');
    expect(merged.similarity).toBeGreaterThan(0.7);
    expect(merged.title).toBe('聚焦｜衡阳老工业基地');
    expect(merged.diff).toEqual({
      same: 6,
      onlyInPrimary: 1,
      onlyInCopy: 1,
      firstDifferentParagraph: 7,
    });
  });

  it('keeps them apart with --near-dup-threshold 0 or a threshold above their similarity', async () => {
    expect(JSON.parse((await scan(['--near-dup-threshold', '0'])).out).articles).toHaveLength(2);
    expect(
      JSON.parse((await scan([], { SEEDFEED_NEAR_DUP_THRESHOLD: '0.99' })).out).articles,
    ).toHaveLength(2);
    // The flag wins over the environment.
    expect(
      JSON.parse(
        (await scan(['--near-dup-threshold', '0.5'], { SEEDFEED_NEAR_DUP_THRESHOLD: '0' })).out,
      ).articles,
    ).toHaveLength(1);
  });

  it('rejects a threshold outside 0..1 with exit code 2', async () => {
    for (const bad of ['1.5', '-0.1', 'high', '']) {
      const { code, err } = await scan(['--near-dup-threshold', bad]);
      expect(code, bad).toBe(2);
      expect(err).toContain('--near-dup-threshold');
    }
  });
});
