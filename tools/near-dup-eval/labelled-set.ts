import { render, rng, type Article, type Shape } from '../bench/corpus.js';

/**
 * A labelled set for near-duplicate detection, generated (deterministically, from a seed) out of
 * the sample articles' sentences — the same phrase pool as the bench corpus, so every story is
 * about industrial digitalisation in some province and shares stock phrases with every other:
 *
 * - stories: 2–15 KB of paragraphs of pool sentences, with their own facts (place, numbers);
 * - siblings: a different story written from another one's template (its opening paragraphs and
 *   about a third of its sentences) — the hard case that must stay apart;
 * - syndicated copies of stories, each with a few realistic edits: another site's footer (editor,
 *   source line, copyright, slogan), another headline, an added photo caption, a few changed
 *   words, re-wrapped paragraphs, a QR/app promo block, a 推荐阅读 list, a dropped paragraph.
 *
 * Each file is labelled with its story; two files are duplicates exactly when their story is
 * the same.
 */

export interface LabelledFile {
  readonly path: string;
  readonly text: string;
  /** Files with the same story are copies of one article. */
  readonly story: number;
  /** What was done to this copy (empty for a story's first publication). */
  readonly edits: readonly string[];
}

export interface LabelledSetOptions {
  readonly sentences: readonly string[];
  readonly stories?: number;
  readonly seed?: number;
}

const SITES = [
  { name: '湖南日报', footer: ['责任编辑：刘倩', '湖南日报：新湖南，新闻从这里开始'] },
  { name: '新浪财经', footer: ['（文章来源：新浪财经）', '新浪财经：看财经，上新浪'] },
  { name: '中国工业报', footer: ['（文章来源：中国工业报）', '中国工业报社出品 工业强国的见证者'] },
  { name: '趣头条', footer: ['版权归原作者所有，向原创者致敬。', '趣头条：每天看点新鲜事'] },
  {
    name: '高科技行业门户',
    footer: ['*文章为原创出品，未经授权不得转载。', '高科技行业门户 聚焦智能制造'],
  },
  { name: '潇湘晨报', footer: ['编辑：周芳 校对：李明', '潇湘晨报 有温度的新闻'] },
  { name: '中新网', footer: ['【编辑：田博群】', '中新网 读懂中国'] },
] as const;
const PLACES = [
  '衡阳',
  '株洲',
  '湘潭',
  '湖州',
  '淄博',
  '嘉兴',
  '宁波',
  '长沙',
  '岳阳',
  '常德',
  '绍兴',
  '台州',
  '潍坊',
  '烟台',
  '郴州',
  '益阳',
];
const THINGS = [
  '智能工厂',
  '数字化车间',
  '工业互联网平台',
  '产业大脑',
  '5G生产线',
  '窑炉数字大脑',
  '智能制造示范项目',
  '企业上云',
];
const CATEGORIES = ['新媒体', '金融', '新闻', '工业', '数字经济', '制造业', '湖南', '浙江', '山东'];
const PROMOS = [
  ['扫描二维码，关注湖南日报官方微信', '下载新湖南客户端，看更多精彩新闻'],
  ['海量资讯、精准解读，尽在新浪财经APP'],
  ['长按识别二维码，关注我们', '打开趣头条App，领取阅读红包'],
];
const CAPTIONS = [
  '图为{place}一家企业的{thing}。记者 张磊 摄',
  '▲{place}{thing}生产现场（资料图）',
  '图片来源：视觉中国',
];

interface Story {
  readonly id: number;
  readonly article: Article;
  readonly site: (typeof SITES)[number];
  readonly shape: Shape;
}

export function generateLabelledSet(options: LabelledSetOptions): LabelledFile[] {
  const random = rng(options.seed ?? 7);
  const pool = options.sentences;
  const count = options.stories ?? 300;
  const files: LabelledFile[] = [];
  const stories: Story[] = [];
  const sentence = () => random.pick(pool);
  const fact = (place: string) =>
    `${place}已有${random.int(12, 980)}家企业建成${random.pick(THINGS)}，带动产值增长${random.int(3, 60)}.${random.int(0, 9)}%。`;

  const write = (
    story: Story,
    article: Article,
    shape: Shape,
    site: Story['site'],
    edits: string[],
    promo?: readonly string[],
  ) => {
    const paragraphs = [...article.paragraphs, ...(promo ?? []), ...site.footer];
    const text = render(shape, { ...article, author: site.name, paragraphs });
    const n = files.length;
    files.push({
      path: `${site.name}/${String(n).padStart(5, '0')}.${shape === 'plain' ? 'txt' : 'md'}`,
      text,
      story: story.id,
      edits,
    });
  };

  for (let id = 0; id < count; id++) {
    const place = random.pick(PLACES);
    const template = id > 10 && random.next() < 0.35 ? random.pick(stories) : undefined;
    const paragraphs: string[] = [];
    const target = random.int(2 * 1024, 15 * 1024);
    let size = 0;
    if (template) {
      // A sibling: the template's opening and a third of its sentences, around facts of its own.
      paragraphs.push(...template.article.paragraphs.slice(0, 2));
      for (const p of template.article.paragraphs.slice(2))
        if (random.next() < 0.33) paragraphs.push(p);
      size = paragraphs.reduce((s, p) => s + Buffer.byteLength(p), 0);
    }
    while (size < target || paragraphs.length < 3) {
      const p =
        random.next() < 0.3
          ? fact(place) + sentence()
          : Array.from({ length: random.int(1, 4) }, sentence).join('');
      paragraphs.splice(random.int(template ? 2 : 0, paragraphs.length), 0, p);
      size += Buffer.byteLength(p);
    }
    const article: Article = {
      title: `${place}${random.pick(THINGS)}${random.pick(['加速推进', '迈上新台阶', '赋能转型', '跑出加速度'])} ${id}`,
      date: new Date(Date.UTC(2021, 0, 1) + random.int(0, 700 * 24 * 60) * 60_000),
      offsetMinutes: 480,
      categories: [random.pick(CATEGORIES)],
      author: '',
      image: 'https://img.example.com/story.jpg',
      paragraphs,
    };
    const story: Story = {
      id,
      article,
      site: random.pick(SITES),
      shape: random.pick(['hexo', 'hexo', 'jekyll', 'plain'] as const),
    };
    stories.push(story);
    write(story, article, story.shape, story.site, []);

    // 0–3 syndicated copies on other sites, each with 1–3 edits.
    const copies = random.pick([0, 1, 1, 2, 2, 3]);
    for (let c = 0; c < copies; c++) {
      const site = random.pick(SITES.filter((s) => s !== story.site));
      const edited: Article = {
        ...article,
        paragraphs: [...article.paragraphs],
        date: new Date(article.date.getTime() + random.int(1, 72) * 3_600_000),
      };
      const edits: string[] = [];
      let promo: readonly string[] | undefined;
      const kinds = ['headline', 'caption', 'words', 'rewrap', 'promo', 'drop', 'footer-only'];
      for (let e = random.int(1, 3); e > 0; e--) {
        const kind = random.pick(kinds);
        edits.push(kind);
        if (kind === 'headline')
          edited.title = `${random.pick(['聚焦', '关注', '视点'])}｜${edited.title.slice(0, random.int(6, 12))}${random.pick(['见闻', '观察', '新篇章'])}`;
        if (kind === 'caption') {
          const at = random.int(0, Math.min(3, edited.paragraphs.length));
          edited.paragraphs.splice(
            at,
            0,
            random.pick(CAPTIONS).replace('{place}', place).replace('{thing}', random.pick(THINGS)),
          );
        }
        if (kind === 'words') {
          for (let w = random.int(2, 6); w > 0; w--) {
            const i = random.int(0, edited.paragraphs.length - 1);
            const p = edited.paragraphs[i]!;
            const at = random.int(0, Math.max(0, p.length - 4));
            edited.paragraphs[i] =
              p.slice(0, at) +
              random.pick(['进一步', '全面', '大力', '稳步']) +
              p.slice(at + random.int(1, 3));
          }
        }
        if (kind === 'rewrap') {
          const joined: string[] = [];
          for (let i = 0; i < edited.paragraphs.length; i++) {
            if (i + 1 < edited.paragraphs.length && random.next() < 0.3)
              joined.push(edited.paragraphs[i]! + edited.paragraphs[++i]!);
            else joined.push(edited.paragraphs[i]!);
          }
          edited.paragraphs = joined;
        }
        if (kind === 'promo') promo = random.pick(PROMOS);
        if (kind === 'drop' && edited.paragraphs.length > 6)
          edited.paragraphs.splice(random.int(1, edited.paragraphs.length - 1), 1);
      }
      const shape = random.pick(['hexo', 'hexo', 'jekyll', 'plain'] as const);
      write(story, edited, shape, site, edits, promo);
    }
  }
  return files;
}
