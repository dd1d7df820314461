import type { GeoPoint, ORGANISATION_KINDS, Role, SITE_KINDS } from '@boucle/contracts';

/*
 * The demonstration's data: a cooperation cluster shaped on Amiens Métropole's PTCE « Une
 * ville idéale » (its projects: second-hand medical aids, deconstruction and reuse in
 * building, deposit-return glass, horse litter from cardboard, a reuse village, an urban
 * cannery). The member organisations are illustrative, of the kinds the cluster gathers; the
 * localities are the metropole's, and each position is that locality's reference point (its
 * town hall, or the named landmark for Amiens), in WGS 84 decimal degrees. Device models are
 * real makes and models; their checklists follow the usual RBEU maintenance points, the
 * lifetimes are the cluster's references, not the manufacturers' word.
 */

export type MemberKey =
  | 'coordination'
  | 'village'
  | 'deconstruction'
  | 'renovation'
  | 'laverie'
  | 'litiere'
  | 'epicerie'
  | 'panier'
  | 'brasserie'
  | 'autonomie';

export interface MemberData {
  name: string;
  kind: (typeof ORGANISATION_KINDS)[number];
  /** What it does in the cluster, for the demonstration's listing. */
  role: string;
}

export type SiteKey =
  'village' | 'atelier' | 'chantier' | 'laverie' | 'litiere' | 'epicerie' | 'panier';

export interface SiteData {
  member: MemberKey;
  name: string;
  kind: (typeof SITE_KINDS)[number];
  locality: string;
  position: GeoPoint;
  /** What the position is the point of. */
  place: string;
  locations: string[];
}

export type PersonKey =
  | 'coordinatrice'
  | 'operateurVillage'
  | 'operateurAtelier'
  | 'technicienRbeu'
  | 'conducteurTravaux'
  | 'gerantEpicerie'
  | 'gerantPanier'
  | 'operateurLaverie'
  | 'encadrantLitiere'
  | 'chauffeurVillage'
  | 'travailleuseSociale'
  | 'conductriceRenovation';

export interface PersonData {
  /** The sign-in subject: a stable pseudonymous id, never a name. */
  userId: string;
  role: Exclude<Role, 'system'>;
  /** Null for the cluster's coordinator, who acts for the whole cluster. */
  member: MemberKey | null;
  /** How the demonstration names them (a function, not a person). */
  label: string;
}

export const MEMBERS: Record<MemberKey, MemberData> = {
  coordination: {
    name: 'PTCE Amiens Métropole « Une ville idéale »',
    kind: 'coordination',
    role: 'coordination du pôle, certificats, modèles, bilans',
  },
  village: {
    name: 'Village du réemploi Amiens Métropole',
    kind: 'reuse-village',
    role: 'ressourcerie, matériauthèque et atelier d’aides techniques',
  },
  deconstruction: {
    name: 'Somme Déconstruction',
    kind: 'construction-firm',
    role: 'entreprise de déconstruction sélective',
  },
  renovation: {
    name: 'Rénov’Habitat Picardie',
    kind: 'construction-firm',
    role: 'entreprise de rénovation, preneuse de matériaux de réemploi',
  },
  laverie: {
    name: 'Laverie solidaire de contenants Hauts-de-France',
    kind: 'workshop',
    role: 'lavage des bouteilles et bocaux consignés',
  },
  litiere: {
    name: 'Atelier d’insertion Litière Picarde',
    kind: 'workshop',
    role: 'chantier d’insertion : carton broyé en litière pour chevaux',
  },
  epicerie: {
    name: 'Épicerie vrac Le Bocal',
    kind: 'shop',
    role: 'commerce partenaire de la consigne',
  },
  panier: {
    name: 'Magasin coopératif Le Panier Picard',
    kind: 'shop',
    role: 'commerce partenaire : cartons et consigne',
  },
  brasserie: {
    name: 'Brasserie artisanale de la Haute-Somme',
    kind: 'producer',
    role: 'producteur qui remplit les bouteilles lavées',
  },
  autonomie: {
    name: 'Service social autonomie du Grand Amiénois',
    kind: 'social-service',
    role: 'prescripteur d’aides techniques pour les bénéficiaires',
  },
};

export const SITES: Record<SiteKey, SiteData> = {
  village: {
    member: 'village',
    name: 'Village du réemploi de Rivery',
    kind: 'reuse-village',
    locality: 'Rivery',
    position: { latitude: 49.9031, longitude: 2.3278 },
    place: 'Rivery, mairie',
    locations: ['quai de dépôt', 'matériauthèque', 'magasin'],
  },
  atelier: {
    member: 'village',
    name: 'Atelier aides techniques de Longueau',
    kind: 'workshop',
    locality: 'Longueau',
    position: { latitude: 49.8708, longitude: 2.3569 },
    place: 'Longueau, mairie',
    locations: ['réception', 'atelier RBEU', 'zone propre', 'stock disponible'],
  },
  chantier: {
    member: 'deconstruction',
    name: 'Chantier de déconstruction de Camon',
    kind: 'construction-site',
    locality: 'Camon',
    position: { latitude: 49.8878, longitude: 2.3467 },
    place: 'Camon, mairie',
    locations: ['zone de dépose', 'benne bois'],
  },
  laverie: {
    member: 'laverie',
    name: 'Centre de lavage de Glisy',
    kind: 'washing-centre',
    locality: 'Glisy',
    position: { latitude: 49.8783, longitude: 2.3992 },
    place: 'Glisy, mairie',
    locations: ['réception des casiers', 'tunnel de lavage', 'stock propre'],
  },
  litiere: {
    member: 'litiere',
    name: 'Atelier litière de Salouël',
    kind: 'workshop',
    locality: 'Salouël',
    position: { latitude: 49.8708, longitude: 2.2431 },
    place: 'Salouël, mairie',
    locations: ['quai cartons', 'broyeur', 'stock de balles'],
  },
  epicerie: {
    member: 'epicerie',
    name: 'Le Bocal, près de la cathédrale',
    kind: 'partner-shop',
    locality: 'Amiens',
    position: { latitude: 49.895, longitude: 2.3022 },
    place: 'Amiens, cathédrale Notre-Dame',
    locations: ['comptoir consigne'],
  },
  panier: {
    member: 'panier',
    name: 'Le Panier Picard de Dury',
    kind: 'partner-shop',
    locality: 'Dury',
    position: { latitude: 49.8461, longitude: 2.2706 },
    place: 'Dury, mairie',
    locations: ['réserve', 'comptoir consigne'],
  },
};

export const PEOPLE: Record<PersonKey, PersonData> = {
  coordinatrice: {
    userId: 'demo-coordination-1',
    role: 'coordinator',
    member: null,
    label: 'Coordinatrice du PTCE',
  },
  operateurVillage: {
    userId: 'demo-village-op-1',
    role: 'operator',
    member: 'village',
    label: 'Opérateur (Village du réemploi, Rivery)',
  },
  operateurAtelier: {
    userId: 'demo-village-op-2',
    role: 'operator',
    member: 'village',
    label: 'Opératrice (Atelier aides techniques, Longueau)',
  },
  technicienRbeu: {
    userId: 'demo-village-ref-1',
    role: 'refurbisher',
    member: 'village',
    label: 'Technicien RBEU (Atelier aides techniques, Longueau)',
  },
  conducteurTravaux: {
    userId: 'demo-deconstruction-1',
    role: 'firm',
    member: 'deconstruction',
    label: 'Conducteur de travaux (Somme Déconstruction, Camon)',
  },
  gerantEpicerie: {
    userId: 'demo-epicerie-1',
    role: 'shop',
    member: 'epicerie',
    label: 'Gérante (Épicerie Le Bocal, Amiens)',
  },
  gerantPanier: {
    userId: 'demo-panier-1',
    role: 'shop',
    member: 'panier',
    label: 'Gérant (Le Panier Picard, Dury)',
  },
  operateurLaverie: {
    userId: 'demo-laverie-op-1',
    role: 'operator',
    member: 'laverie',
    label: 'Opérateur (Centre de lavage, Glisy)',
  },
  encadrantLitiere: {
    userId: 'demo-litiere-op-1',
    role: 'operator',
    member: 'litiere',
    label: 'Encadrant technique (Atelier litière, Salouël)',
  },
  chauffeurVillage: {
    userId: 'demo-village-driver-1',
    role: 'driver',
    member: 'village',
    label: 'Chauffeur-collecteur (Village du réemploi, Rivery)',
  },
  travailleuseSociale: {
    userId: 'demo-autonomie-1',
    role: 'operator',
    member: 'autonomie',
    label: 'Travailleuse sociale (Service social autonomie, Amiens)',
  },
  conductriceRenovation: {
    userId: 'demo-renovation-1',
    role: 'firm',
    member: 'renovation',
    label: 'Conductrice de travaux (Rénov’Habitat Picardie, Amiens)',
  },
};

/** Who registers each site: its member's own people (the coordinator registers members). */
export const SITE_REGISTRARS: Record<SiteKey, PersonKey> = {
  village: 'operateurVillage',
  atelier: 'operateurAtelier',
  chantier: 'conducteurTravaux',
  laverie: 'operateurLaverie',
  litiere: 'encadrantLitiere',
  epicerie: 'gerantEpicerie',
  panier: 'gerantPanier',
};

export type DeviceModelKey = 'fauteuil' | 'leveur' | 'lit';

export interface DeviceModelData {
  make: string;
  model: string;
  /** ISO 9999 class. */
  isoClass: string;
  lifetimeYears: number;
  checklist: string[];
  instructionsRef: string;
  /** How it is called in French, for the printed steps. */
  label: string;
}

export const DEVICE_MODELS: Record<DeviceModelKey, DeviceModelData> = {
  fauteuil: {
    make: 'Invacare',
    model: 'Action 3 NG',
    isoClass: '12 22 03',
    lifetimeYears: 8,
    checklist: [
      'châssis et croisillon : fissures, soudures, déformation',
      'roues arrière : voile, rayons, axes à démontage rapide',
      'pneus et chambres : usure, pression',
      'roues avant pivotantes : jeu de fourche, roulements',
      'freins de stationnement : réglage et efficacité',
      'toile d’assise et de dossier : déchirures, tension',
      'repose-pieds et accoudoirs : fixation, verrouillage',
      'pliage et dépliage : verrouillage du croisillon',
    ],
    instructionsRef: 'doc://invacare/action-3-ng/manuel-utilisation-fr.pdf',
    label: 'fauteuil roulant manuel Invacare Action 3 NG',
  },
  leveur: {
    make: 'Invacare',
    model: 'Birdie Evo',
    isoClass: '12 36 03',
    lifetimeYears: 10,
    checklist: [
      'mât et fléau : fissures, déformation, axes',
      'vérin électrique : course complète en charge',
      'descente d’urgence électrique et mécanique',
      'batterie et chargeur : charge, autonomie',
      'bouton d’arrêt d’urgence',
      'roulettes et freins arrière',
      'écartement du piètement',
      'crochets du cintre de sangle : usure',
      'essai à la charge maximale d’utilisation',
    ],
    instructionsRef: 'doc://invacare/birdie-evo/manuel-utilisation-fr.pdf',
    label: 'lève-personne mobile Invacare Birdie Evo',
  },
  lit: {
    make: 'Invacare',
    model: 'Medley Ergo',
    isoClass: '18 12',
    lifetimeYears: 10,
    checklist: [
      'sommier et relève-buste : articulations, soudures',
      'vérins et boîtier de commande',
      'télécommande : toutes les fonctions',
      'barrières latérales : verrouillage',
      'roulettes : freins',
      'hauteur variable : course complète',
      'câble d’alimentation : gaine, serre-câble',
    ],
    instructionsRef: 'doc://invacare/medley-ergo/manuel-utilisation-fr.pdf',
    label: 'lit médicalisé Invacare Medley Ergo',
  },
};

/** The workshop's NF S97-414 certificate, recorded by the coordinator: 4 years from January. */
export function atelierCertificate(today: string): {
  site: SiteKey;
  reference: string;
  validFrom: string;
  validUntil: string;
} {
  const year = Number(today.slice(0, 4));
  return {
    site: 'atelier',
    reference: `NF S97-414 n° ${year}-080-AM`,
    validFrom: `${year}-01-01`,
    validUntil: `${year + 3}-12-31`,
  };
}

/*
 * The goods each scenario brings, weighed as they would be: weights in kilograms.
 */

/** Medical aids brought to the workshop by a family (a wheelchair and a patient lift), on a trolley. */
export const AIDS_INTAKE = {
  site: 'atelier' as const,
  location: 'réception',
  collectionMode: 'drop-off' as const,
  provenanceLocality: 'Camon',
  tareKg: 12.5,
  wheelchair: {
    model: 'fauteuil' as const,
    serialPrefix: 'IA3NG',
    ageYears: 3,
    weightKg: 16.8,
    attributes: { seatWidthCm: 45, seatDepthCm: 43, maxUserWeightKg: 125, foldable: true },
  },
  lift: {
    model: 'leveur' as const,
    serialPrefix: 'BIRDIE',
    ageYears: 4,
    weightKg: 39,
    attributes: { maxUserWeightKg: 150, electric: true },
  },
  newUseMonths: 24,
  disinfection: 'nettoyage vapeur puis désinfectant de surface virucide (EN 14476)',
  /** A hold for a beneficiary, as matching will ask it (7 days to come and fetch it). */
  holdSeconds: 7 * 24 * 3_600,
};

/** Oak parquet taken up on the deconstruction site: estimated until dismantled. */
export const PARQUET_LOT = {
  site: 'chantier' as const,
  location: 'zone de dépose',
  materialFamily: 'parquet en chêne massif',
  quantity: 84.5,
  unit: 'm2' as const,
  dimensions: 'lames 140 × 14 mm, longueurs de 0,6 à 1,8 m',
  conditionGrade: 'B' as const,
  wasteCode: '17 02 01',
  weightKg: 845,
  /** The works: dismantled from two hours ago, the site cleared within two weeks. */
  availableFromHoursAgo: 2,
  mustBeGoneInDays: 14,
  fallback: {
    route: 'recycling' as const,
    facility: 'plateforme de tri et de valorisation du bois, zone industrielle nord d’Amiens',
  },
  takers: [
    { member: 'village' as const, quantity: 30, label: 'la matériauthèque du Village du réemploi' },
    { member: 'renovation' as const, quantity: 25, label: 'Rénov’Habitat Picardie' },
  ],
  holdSeconds: 5 * 24 * 3_600,
};

/** Amiens's reference point (its town hall), where the matching scenarios search from. */
const AMIENS = { latitude: 49.8945, longitude: 2.2957 };

/**
 * A beneficiary leaving hospital within the week, at home in Amiens, for whom the social
 * service asks a manual wheelchair; the workshop's certified one is found, approved by the
 * workshop, handed over. The person is fictitious; their name and health notes stay
 * sealed in matching.
 */
export const HOSPITAL_DISCHARGE = {
  site: 'atelier' as const,
  location: 'réception',
  collectionMode: 'drop-off' as const,
  provenanceLocality: 'Amiens',
  tareKg: 2.5,
  wheelchair: {
    model: 'fauteuil' as const,
    serialPrefix: 'IA3NG-SH',
    ageYears: 2,
    weightKg: 16.8,
    attributes: { seatWidthCm: 45, seatDepthCm: 43, maxUserWeightKg: 125, foldable: true },
  },
  newUseMonths: 24,
  beneficiary: {
    name: 'Mme Simone Lefèvre',
    contact: { phone: '03 22 00 00 00' },
    address: 'Amiens, quartier Saint-Leu',
  },
  health: {
    notes: 'sortie d’hospitalisation après fracture du col du fémur, marche impossible 6 semaines',
    prescriptionRef: 'ordonnance CHU Amiens-Picardie',
  },
  isoClass: '12 22',
  seatWidthCm: { min: 42, max: 48 },
  /** The discharge is within the week: the wheelchair is needed by then. */
  neededInDays: 5,
  /** Where the beneficiary lives: the search measures from there. */
  home: { position: AMIENS, locality: 'Amiens' },
  place: 'Amiens, hôtel de ville',
  maxDistanceKm: 25,
  searchText: 'fauteuil roulant',
};

/**
 * A renovation firm's wanted list: oak parquet for a flat it renovates in Amiens. It takes
 * part of another lot the deconstruction firm offers on its site at Camon.
 */
export const WANTED_PARQUET = {
  lot: {
    site: 'chantier' as const,
    location: 'zone de dépose',
    materialFamily: 'parquet en chêne massif',
    quantity: 80,
    unit: 'm2' as const,
    dimensions: 'lames 120 × 14 mm, longueurs de 0,5 à 1,5 m',
    conditionGrade: 'B' as const,
    wasteCode: '17 02 01',
    weightKg: 800,
    availableFromHoursAgo: 1,
    mustBeGoneInDays: 21,
    fallback: {
      route: 'recycling' as const,
      facility: 'plateforme de tri et de valorisation du bois, zone industrielle nord d’Amiens',
    },
  },
  wanted: {
    member: 'renovation' as const,
    materialFamily: 'parquet en chêne massif',
    quantity: 20,
    unit: 'm2' as const,
    minConditionGrade: 'B' as const,
    deadlineInDays: 30,
    area: { position: AMIENS, locality: 'Amiens', radiusKm: 25 },
  },
};

/** Twelve crates of twelve 75 cl bottles returned at the épicerie, weighed at the washing centre. */
export const BOTTLE_CRATES = {
  site: 'laverie' as const,
  location: 'réception des casiers',
  from: 'epicerie' as const,
  containerType: 'bouteille 75 cl (consigne Hauts-de-France)',
  count: 144,
  depositCents: 20,
  weightKg: 72,
  tareKg: 18,
  washed: 140,
  broken: 4,
  delivered: 120,
  to: 'brasserie' as const,
  holdSeconds: 2 * 24 * 3_600,
};

/** Clean corrugated cardboard picked up at the cooperative shop, shredded into 20 kg bales. */
export const CARDBOARD = {
  site: 'litiere' as const,
  location: 'quai cartons',
  baleLocation: 'stock de balles',
  from: 'panier' as const,
  weightKg: 412,
  tareKg: 18,
  bales: 20,
  baleKg: 20,
  lossKg: 12,
  /** Ten bales go to an equestrian centre nearby. */
  deliveredBales: 10,
};

/*
 * A day of collection rounds: what is asked for, and the van that fetches it. Donors are
 * named by pseudonymous references only (issued by whoever knows them); their addresses are
 * given at the street of the locality's reference point, as the rest of the data set.
 */

export interface PickupData {
  /** How the printed steps name it. */
  label: string;
  address: string;
  locality: string;
  position: GeoPoint;
  /** Paris local times of the day planned. */
  window: { from: string; until: string };
  expectedLoad: { kg: number; m3: number; crates: number; items: number };
  skills: ('two-person' | 'tail-lift' | 'pallet-jack' | 'heavy-licence')[];
  /** Where the load is taken: a site of the data set and one of its locations. */
  deliverTo: { site: SiteKey; location: string };
  /** What the driver weighs at the stop. */
  collectedKg: number;
}

/** Two donors' medical aids, both needing two people and the tail-lift, for the workshop. */
export const DONOR_PICKUPS = {
  wheelchair: {
    label: 'fauteuil roulant d’un donateur à Longueau',
    address: 'près de la mairie, 80330 Longueau',
    locality: 'Longueau',
    position: { latitude: 49.8708, longitude: 2.3569 },
    window: { from: '09:00', until: '12:00' },
    expectedLoad: { kg: 17, m3: 0.5, crates: 0, items: 1 },
    skills: ['two-person', 'tail-lift'],
    deliverTo: { site: 'atelier', location: 'réception' },
    collectedKg: 16.8,
    model: 'fauteuil',
    serialPrefix: 'IA3NG-DON',
  },
  lift: {
    label: 'lève-personne d’une donatrice à Camon',
    address: 'près de la mairie, 80450 Camon',
    locality: 'Camon',
    position: { latitude: 49.8878, longitude: 2.3467 },
    window: { from: '13:30', until: '16:30' },
    expectedLoad: { kg: 39, m3: 0.9, crates: 0, items: 1 },
    skills: ['two-person', 'tail-lift'],
    deliverTo: { site: 'atelier', location: 'réception' },
    collectedKg: 39.4,
    model: 'leveur',
    serialPrefix: 'BIRDIE-DON',
  },
} satisfies Record<string, PickupData & { model: DeviceModelKey; serialPrefix: string }>;

/** Oak doors taken out on the deconstruction site, part of them held for the matériauthèque. */
export const DOORS_LOT = {
  site: 'chantier' as const,
  location: 'zone de dépose',
  materialFamily: 'portes intérieures en chêne',
  quantity: 12,
  held: 8,
  unit: 'unit' as const,
  dimensions: '204 × 83 cm, avec huisseries',
  conditionGrade: 'B' as const,
  wasteCode: '17 02 01',
  weightKg: 300,
  mustBeGoneInDays: 10,
  fallback: {
    route: 'recycling' as const,
    facility: 'plateforme bois, zone industrielle nord d’Amiens',
  },
  holdSeconds: 10 * 24 * 3_600,
  pickup: {
    label: 'portes réservées au chantier de Camon',
    address: 'Chantier de déconstruction, près de la mairie, 80450 Camon',
    locality: 'Camon',
    position: { latitude: 49.8878, longitude: 2.3467 },
    window: { from: '08:00', until: '16:00' },
    expectedLoad: { kg: 200, m3: 1.6, crates: 0, items: 0 },
    skills: ['two-person', 'pallet-jack'],
    deliverTo: { site: 'village', location: 'matériauthèque' },
    collectedKg: 204,
  } satisfies PickupData,
};

/** Glass at two partner shops: one counts its full crates at its collection point, one asks. */
export const SHOP_GLASS = {
  point: {
    shop: 'epicerie' as const,
    name: 'Le Bocal, comptoir consigne',
    address: 'rue Cormont, près de la cathédrale, 80000 Amiens',
    locality: 'Amiens',
    position: { latitude: 49.895, longitude: 2.3022 },
    /** Ten full crates call for a pickup; its window opens then, for two weeks. */
    thresholdCrates: 10,
    windowHours: 14 * 24,
    reportedCrates: 12,
    containerType: 'bouteille 75 cl (consigne Hauts-de-France)',
    perCrate: 12,
    depositCents: 20,
    expectedLoad: { kg: 110, m3: 0.7, crates: 12, items: 0 },
    deliverTo: { site: 'laverie' as SiteKey, location: 'réception des casiers' },
    collectedKg: 106.5,
  },
  request: {
    shop: 'panier' as const,
    label: 'casiers de bocaux du Panier Picard à Dury',
    address: 'près de la mairie, 80480 Dury',
    locality: 'Dury',
    position: { latitude: 49.8461, longitude: 2.2706 },
    window: { from: '10:00', until: '15:00' },
    expectedLoad: { kg: 40, m3: 0.4, crates: 6, items: 0 },
    skills: [],
    deliverTo: { site: 'laverie', location: 'réception des casiers' },
    collectedKg: 38.2,
    containerType: 'bocal 50 cl (consigne Hauts-de-France)',
    count: 72,
    depositCents: 10,
  } satisfies PickupData & {
    shop: MemberKey;
    containerType: string;
    count: number;
    depositCents: number;
  },
};

/** The village's van with a tail-lift, out of Rivery for the day with a crew of two. */
export const VILLAGE_VAN = {
  name: 'Fourgon 20 m³ à hayon du Village du réemploi',
  capacity: { kg: 1_200, m3: 20, crates: 60, items: 4 },
  skills: ['two-person', 'tail-lift', 'pallet-jack'] as const,
  depot: SITES.village.position,
  workFrom: '08:00',
  workUntil: '17:00',
  break: { earliestStart: '12:00', latestStart: '13:30', minutes: 45 },
  serviceMinutes: 15,
};
