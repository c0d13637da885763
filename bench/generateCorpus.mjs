// A realistic synthetic knowledge base for P6: support vocabulary and invented words in one
// 30,000-word vocabulary, articles on one of 400 topics whose words follow a Zipf law, glued
// with English stop words. No searchable word occurs in most articles (the report says the
// largest share), unlike a corpus of a few repeated words. Seeded, so every run is the same.

const SUPPORT_WORDS = (
  'account address agent amount app application approve archive article attach ' +
  'authentication balance bank barcode battery billing browser bundle calendar camera cancel ' +
  'card carrier cart charge chat checkout code colour confirm contact contract cookie coupon ' +
  'courier credit currency customer damage dashboard data deadline debit default delete ' +
  'delivery deposit desktop device discount dispute document domain download driver email ' +
  'error exchange export failure fee file filter firmware folder form fraud gift guarantee ' +
  'history import install installment insurance integration invoice item key label language ' +
  'laptop licence limit link locker login loyalty manual membership merchant message method ' +
  'mobile modem monitor network notification offer order outage package pallet parcel ' +
  'partner password payment payout pending permission phone photo pickup plan point policy ' +
  'portal price printer privacy product profile promotion purchase quota receipt recipient ' +
  'refund region register reminder renewal repair replacement report request reset restore ' +
  'return review router schedule screen security seller server setting shipment shipping ' +
  'signature size storage store subscription support sync tablet tax team ticket token ' +
  'tracking transfer trial update upgrade upload user username verification voucher wallet ' +
  'warehouse warranty website wifi window workspace'
).split(' ');

const STOP_WORDS = (
  'the a an and or to of in on for with is are be can you your we our it this that if ' +
  'not from by at as will when how what after before'
).split(' ');

const SYLLABLES = (
  'ka ro mi tes lan vor pel dri su ben ta co ni gu ra lo me fi den sar tor pla bri ven mun ' +
  'cas dul fen gor hal jin kel lum nor pak quin rus sol tam ul vex wim yor zan'
).split(' ');

/** A seeded xorshift PRNG in [0, 1). */
function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
function zipf(n, s, rand) {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i += 1) cumulative[i] = sum += 1 / (i + 1) ** s;
  return () => {
    const target = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function vocabulary(size, rand) {
  const words = new Set();
  while (words.size < size - SUPPORT_WORDS.length) {
    const syllables = 2 + Math.floor(rand() * 3);
    let word = '';
    for (let i = 0; i < syllables; i += 1) word += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    if (!SUPPORT_WORDS.includes(word)) words.add(word);
  }
  const invented = [...words];
  // Support words spread over the first 600 ranks, as a domain's words are common but not top.
  for (const word of SUPPORT_WORDS) {
    invented.splice(Math.floor(rand() * 600), 0, word);
  }
  return invented;
}

/** `count` articles `{ id, title, body }`, the same for the same seed. */
export function generateArticles(count, seed = 13) {
  const rand = random(seed);
  const vocab = vocabulary(30_000, rand);
  const pickGlobal = zipf(vocab.length, 0.8, rand);
  const topics = Array.from({ length: 400 }, () => {
    const words = new Set();
    while (words.size < 300) words.add(vocab[pickGlobal()]);
    return [...words].sort(() => rand() - 0.5);
  });
  const pickTopicWord = zipf(300, 1.0, rand);
  const pickStop = zipf(STOP_WORDS.length, 1.0, rand);
  const articles = [];
  for (let i = 0; i < count; i += 1) {
    const topic = topics[Math.floor(rand() * topics.length)];
    const titleWords = Array.from(
      { length: 3 + Math.floor(rand() * 6) },
      () => topic[Math.floor(rand() * 30)],
    );
    const length = 120 + Math.floor(rand() * 140);
    const tokens = [];
    for (let t = 0; t < length; t += 1) {
      const kind = rand();
      if (kind < 0.35) tokens.push(STOP_WORDS[pickStop()]);
      else if (kind < 0.94) tokens.push(topic[pickTopicWord()]);
      else tokens.push(vocab[pickGlobal()]);
    }
    const sentences = [];
    for (let t = 0; t < tokens.length;) {
      const n = 8 + Math.floor(rand() * 12);
      const sentence = tokens.slice(t, t + n).join(' ');
      sentences.push(sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.');
      t += n;
    }
    const title = titleWords.join(' ');
    articles.push({
      id: `gen-${i}`,
      title: title.charAt(0).toUpperCase() + title.slice(1),
      body: sentences.join(' '),
    });
  }
  return articles;
}

/** The largest share of articles that one word occurs in, stop words apart and all words. */
export function documentFrequency(articles) {
  const stop = new Set(STOP_WORDS);
  const df = new Map();
  for (const { title, body } of articles) {
    for (const word of new Set(`${title} ${body}`.toLowerCase().match(/[a-z]+/g))) {
      df.set(word, (df.get(word) ?? 0) + 1);
    }
  }
  let top = ['', 0];
  let topSearchable = ['', 0];
  for (const [word, n] of df) {
    if (n > top[1]) top = [word, n];
    if (!stop.has(word) && n > topSearchable[1]) topSearchable = [word, n];
  }
  const share = (n) => Math.round((n / articles.length) * 1000) / 1000;
  return {
    distinct_words: df.size,
    top_searchable_word: topSearchable[0],
    top_searchable_word_share: share(topSearchable[1]),
    top_stop_word: top[0],
    top_stop_word_share: share(top[1]),
  };
}
