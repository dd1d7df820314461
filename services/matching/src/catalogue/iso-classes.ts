/*
 * The French names of the ISO 9999 classes the cluster's aids fall in, as people search
 * for them ("fauteuil roulant", "lève-personne"): a good is found by its class's name,
 * which inventory does not send. A subclass without its own name takes its class's.
 */
const NAMES: Readonly<Record<string, string>> = {
  '04 33': 'Aides à la prévention des escarres (coussins, matelas anti-escarres)',
  '09 12': 'Aides pour aller aux toilettes (chaises percées, rehausseurs de toilettes)',
  '09 33': 'Aides pour se laver, se baigner et se doucher (chaises et sièges de douche)',
  '12 03': 'Aides à la marche manipulées par un bras (cannes, béquilles)',
  '12 06': 'Aides à la marche manipulées par les deux bras (déambulateurs, rollators)',
  '12 22': 'Fauteuils roulants manuels',
  '12 23': 'Fauteuils roulants électriques',
  '12 31': 'Aides au transfert et au retournement (planches, disques de transfert)',
  '12 36': 'Aides au levage des personnes (lève-personnes, verticalisateurs)',
  '18 09': "Mobilier d'assise (fauteuils releveurs, sièges coquilles)",
  '18 12': 'Lits médicalisés et équipements de lit',
  '18 18': "Dispositifs d'appui (barres et poignées d'appui)",
  '18 30': "Aides au changement de niveau (monte-escaliers, rampes d'accès)",
};

/** The French name of an ISO 9999 class, or of the nearest class above it that has one. */
export function isoClassName(isoClass: string): string | null {
  for (let code = isoClass; code.length >= 2; code = code.slice(0, -3)) {
    const name = NAMES[code];
    if (name) return name;
  }
  return null;
}
