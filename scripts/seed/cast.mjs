// Who and what the demo is about: a French skincare brand, its two campaigns and the
// French-speaking creators it works with. Plain data; scripts/seed/plan.mjs turns it into events.

export const SHOP = "https://maison-solene.example";

// Amounts are EUR cents, like the API's minor units.
export const PRODUCTS = [
  { name: "Sérum Éclat 30 ml", price: 3900, weight: 5, path: "/produits/serum-eclat-30-ml" },
  { name: "Crème Jour Hydratante", price: 3200, weight: 3, path: "/produits/creme-jour-hydratante" },
  { name: "Gel Nettoyant Doux", price: 1900, weight: 3, path: "/produits/gel-nettoyant-doux" },
  { name: "Coffret Routine Éclat", price: 6900, weight: 2, path: "/produits/coffret-routine-eclat" },
];
// The shop's other pages a visit may see (paths only, as the shop's script reports them).
export const PAGES = {
  collection: "/collections/soins-visage",
  story: "/notre-histoire",
  cart: "/panier",
  checkout: "/commande",
  thanks: "/commande/merci",
  signedUp: "/newsletter/merci",
};
// What a promo code takes off the basket.
export const CODE_DISCOUNT = 0.15;

export const MAIN_CAMPAIGN = {
  key: "main",
  name: "Maison Solène · Lancement Sérum Éclat",
  objective: "sales",
  // Days relative to today (UTC): six weeks in, two to go.
  startDay: -42,
  endDay: 14,
  budget: 2_000_000,
  emv_cpm: 1200,
  goals: [
    { metric: "revenue", target: 1_400_000 },
    { metric: "conversions", target: 300 },
    { metric: "impressions", target: 2_000_000 },
  ],
  landing: `${SHOP}/serum-eclat`,
};

export const SUMMER_CAMPAIGN = {
  key: "summer",
  name: "Maison Solène · Routine d'été",
  objective: "awareness",
  startDay: -14,
  endDay: 30,
  budget: 600_000,
  emv_cpm: 1000,
  goals: [
    { metric: "impressions", target: 1_200_000 },
    { metric: "leads", target: 150 },
  ],
  landing: `${SHOP}/routine-ete`,
};

// Share of each creator's audience by country (the breakdown by country shows it).
const FRANCE = { FR: 78, BE: 8, CH: 6, CA: 3, LU: 2, MA: 3 };

// followers: today's count; growth: weekly; views: what a post reaches as a share of followers;
// clickRate: clicks per view; decay: days for a post's clicks to fall to a third;
// codeRate / saleRate / leadRate: orders with the code per click, click-attributed sales and
// newsletter sign-ups per human click. Per campaign: the costs, the code, and the days (before
// today) the posts went out.
export const INFLUENCERS = [
  {
    key: "camille",
    handle: "camille.beaute",
    platform: "instagram",
    name: "Camille Laurent",
    followers: 184_000,
    growth: 0.012,
    views: 0.34,
    clickRate: 0.0032,
    decay: 1.6,
    codeRate: 0.06,
    saleRate: 0.012,
    leadRate: 0.025,
    audience: FRANCE,
    main: {
      fee: 180_000,
      commission_rate: 0.08,
      other_costs: 12_000,
      code: "CAMILLE15",
      posts: [-40, -26, -11],
    },
  },
  {
    key: "lea",
    handle: "lea_skincare",
    platform: "tiktok",
    name: "Léa Martin",
    followers: 412_000,
    growth: 0.025,
    views: 0.9,
    clickRate: 0.0007,
    decay: 2.2,
    codeRate: 0.03,
    saleRate: 0.008,
    leadRate: 0.02,
    audience: { FR: 74, BE: 9, CH: 5, CA: 5, LU: 1, MA: 6 },
    main: { fee: 250_000, commission_rate: 0.05, other_costs: 0, code: "LEA15", posts: [-37, -22, -4] },
    summer: { fee: 180_000, commission_rate: 0, other_costs: 0, posts: [-11, -3] },
  },
  {
    key: "sophie",
    handle: "jolieroutine",
    platform: "youtube",
    name: "Sophie Dubois (Jolie Routine)",
    followers: 96_000,
    growth: 0.006,
    views: 0.42,
    clickRate: 0.008,
    decay: 5,
    codeRate: 0.07,
    saleRate: 0.015,
    leadRate: 0.03,
    audience: { FR: 70, BE: 10, CH: 9, CA: 7, LU: 2, MA: 2 },
    main: { fee: 200_000, commission_rate: 0.1, other_costs: 25_000, code: "JOLIE15", posts: [-33, -13] },
  },
  {
    key: "manon",
    handle: "manon.glow",
    platform: "instagram",
    name: "Manon Petit",
    followers: 38_500,
    growth: 0.018,
    views: 0.4,
    clickRate: 0.006,
    decay: 1.4,
    codeRate: 0.08,
    saleRate: 0.014,
    leadRate: 0.03,
    audience: FRANCE,
    main: { fee: 45_000, commission_rate: 0.12, other_costs: 5_000, code: "MANON15", posts: [-35, -18, -6] },
  },
  {
    key: "julien",
    handle: "julien.grooming",
    platform: "tiktok",
    name: "Julien Moreau",
    followers: 61_000,
    growth: 0.02,
    views: 0.8,
    clickRate: 0.0012,
    decay: 2,
    codeRate: 0.03,
    saleRate: 0.006,
    leadRate: 0.015,
    audience: { FR: 80, BE: 7, CH: 5, CA: 2, LU: 2, MA: 4 },
    main: { fee: 60_000, commission_rate: 0.05, other_costs: 0, code: "JULIEN15", posts: [-30, -9] },
  },
  {
    key: "chloe",
    handle: "chloe.mtl",
    platform: "instagram",
    name: "Chloé Tremblay",
    followers: 27_000,
    growth: 0.01,
    views: 0.3,
    clickRate: 0.005,
    decay: 1.5,
    codeRate: 0.04,
    saleRate: 0.01,
    leadRate: 0.03,
    audience: { CA: 82, FR: 12, BE: 2, CH: 2, LU: 1, MA: 1 },
    main: { fee: 35_000, commission_rate: 0.1, other_costs: 8_000, code: "CHLOE15", posts: [-24, -7] },
  },
  {
    key: "sarah",
    handle: "sarah.rituels",
    platform: "instagram",
    name: "Sarah Benali",
    followers: 72_000,
    growth: 0.015,
    views: 0.36,
    clickRate: 0.004,
    decay: 1.6,
    codeRate: 0,
    saleRate: 0.008,
    leadRate: 0.05,
    audience: { FR: 72, BE: 10, CH: 6, CA: 3, LU: 2, MA: 7 },
    summer: { fee: 90_000, commission_rate: 0, other_costs: 10_000, posts: [-13, -8, -2] },
  },
];

// [city, region, weight] per country: what request.cf would say.
export const CITIES = {
  FR: [
    ["Paris", "Île-de-France", 30],
    ["Lyon", "Auvergne-Rhône-Alpes", 10],
    ["Marseille", "Provence-Alpes-Côte d'Azur", 8],
    ["Toulouse", "Occitanie", 7],
    ["Bordeaux", "Nouvelle-Aquitaine", 6],
    ["Lille", "Hauts-de-France", 6],
    ["Nantes", "Pays de la Loire", 5],
    ["Strasbourg", "Grand Est", 4],
    ["Nice", "Provence-Alpes-Côte d'Azur", 4],
    ["Rennes", "Bretagne", 4],
  ],
  BE: [
    ["Brussels", "Brussels Capital", 6],
    ["Liège", "Wallonia", 3],
    ["Namur", "Wallonia", 1],
  ],
  CH: [
    ["Geneva", "Geneva", 5],
    ["Lausanne", "Vaud", 4],
    ["Fribourg", "Fribourg", 1],
  ],
  CA: [
    ["Montreal", "Quebec", 8],
    ["Quebec City", "Quebec", 3],
    ["Gatineau", "Quebec", 1],
  ],
  LU: [["Luxembourg", "Luxembourg", 1]],
  MA: [
    ["Casablanca", "Casablanca-Settat", 3],
    ["Rabat", "Rabat-Salé-Kénitra", 1],
  ],
};

// Crawlers and link unfurlers that open links too: the redirect counts them apart, as bots.
export const BOTS = [
  ["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "US"],
  ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "US"],
  ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "US"],
  ["WhatsApp/2.23.20.0", "IE"],
  ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "FR"],
  ["python-requests/2.31.0", "DE"],
];

// Where a platform's visitors come from; null: in-app browsers often send no referrer.
export const REFERERS = {
  instagram: [
    ["https://l.instagram.com/", 7],
    [null, 3],
  ],
  tiktok: [
    ["https://www.tiktok.com/", 5],
    [null, 5],
  ],
  youtube: [
    ["https://www.youtube.com/", 8],
    ["https://www.google.com/", 1],
    [null, 1],
  ],
};
