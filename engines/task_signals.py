"""The signals of a task the router reads (engines.router): a transaction to assess, and a question of
governance, regulation or finance. Each a (pattern, weight, reason) over folded text
(engines.router.fold); the reasons are shown to the analyst.
"""

from __future__ import annotations

from engines.patterns import rx

TRANSACTION = [
    (rx(r"\b(this|the following|that|attached|below) (transaction|transfer|wire|payment|"
        r"card payment|deposit|withdrawal|operation)",
        r"\b(this|these|the following|attached|below) (card |account )?(activity|purchases|transactions|transfers|"
        r"payments|movements|flows|deposits|withdrawals|spending)\b",
        r"\b(ces|cette|cet) (activite|achats|transactions|operations|mouvements|flux|depots|retraits|virements|"
        r"paiements)\b",
        r"\b(cette|cet|la|le|ce) (transaction|virement|transfert|paiement|operation|depot|retrait)\b",
        r"\b(client|customer|account holder)\b.{0,20}\b(made|sent|received|deposited|withdrew|wired|transferred"
        r"|paid)\b.{0,40}\b(deposit|payment|transfer|wire|withdrawal|transaction|cash)",
        r"\bclient\b.{0,20}\b(a|ont) (fait|effectue|envoye|recu|depose|retire|vire|verse)\b",
        r"\bclient\b.{0,20}\b(vire|verse|depose|retire|recoit|envoie|paie|transfere|encaisse)\b.{0,40}(\d|€|salaire|"
        r"especes|epargne)",
        # an account emptied: "…then the whole balance sent out within ten minutes"
        r"\b(the whole|all the|the entire|tout le|toute la|la totalite (du|de la))\b.{0,20}\b(balance|savings|funds|"
        r"solde|epargne|fonds)\b.{0,10}\b(sent|moved|transferred|wired|withdrawn|cashed|taken|vire|retire|transfere|"
        r"envoye)"),
     2.0,
     "refers to a specific transaction"),
    # "flag anything unusual"; not the noun: "the red flags of trade-based laundering"
    (rx(r"\b(assess|evaluate|rate|score|check|review|analy[sz]e|screen|flag(?!s\b))\w*\b.{0,40}\b(risk(?!"
        r" (appetite|management|framework|committee|policy|culture|register|tolerance))|fraud|unusual|odd\b|"
        r"suspicious(?! activity report)|laundering|aml)", r"\b(risk|fraud)\w* (of|for|in)\b.{0,30}\b(transaction|"
        r"transfer|wire|payment)",
        # the verbs, not the nouns: not "revoir les notes de risque du portefeuille"
        r"(?<!\bles )(?<!\bla )(?<!\bdes )(?<!\bune )(?<!\bun )(?<!\bses )(?<!\bsa )(?<!\bson )"
        r"\b(evalue|analyse|verifie|controle|note|examine)\w*\b.{0,40}\b(risque|fraude|suspect|"
        r"blanchiment)", r"\brisque (de|d'une?|du|pour) .{0,30}(transaction|virement|paiement)"),
     2.0, "asks for a risk or fraud assessment"),
    (rx(r"\b(is|does) (this|it|that)\b.{0,30}\b(suspicious|fraudulent|legit|normal|unusual|risky)",
        r"\b(est-ce|ce) .{0,30}(suspect|frauduleu|normal|inhabituel)",
        r"\b(is|could) (this|it|that) (be )?(structuring|smurfing|layering|money laundering|a (money )?mule|"
        r"a scam|fraud)", r"\b(est-ce|s'agit-il d'un|s'agit-il de) (du |un |une )?(fractionnement|"
        r"schtroumpfage|blanchiment|mule|escroquerie|fraude)",
        r"\bsuspicious activity(?! reports?)|\bred flags?\b|\banomal", r"\bsignaux d'alerte|\banormal|"
        # a judgement asked of a case told before: "…chaque mois depuis un an. Normal ?"
        r"[.!;:]\s+(is (this|it|that) )?(normal|suspect|louche|inquietant|risky|suspicious|odd|unusual|fishy|legit)"
        r"\s*\?|"
        # a kind of fraud asked of a case told before: "…sent out within ten minutes. Account takeover?"
        r"[.!;:]\s+(an? |une? )?(account takeover|structuring|smurfing|(money )?mule|layering|scam|card testing|"
        r"sim swap|cloned|clone|skimm(ed|ing)|compromised|hacked|phished|fraud ring|mule (ring|network)|bust-out|"
        r"(money )?laundering|blanchiment|[\w-]+ fraud|fraude( (au|a la|aux|par) [\w' -]{1,30})?|arnaque [\w' -]{1,20}|"
        r"synthetic identit(y|ies)|reseau de mules|usurpation|prise de controle (de|du) compte|"
        r"fractionnement|mule financiere|escroquerie|clonee?|piratee?|compromise)\s*\?|"
        r"(?<!\bwe )(?<!\bi )(?<!\bthey )(?<!\byou )\bsuspect(?!e?s? de soupcon)(?!s\b|ed\b|ing\b)"),
     1.5, "asks whether activity is suspicious"),
    (rx(r"\b(customer|client)'?s? (history|average|usual|profile|pattern)",
        r"\b(historique|habitudes|moyenne|profil) (du|de ce|de la) client",
        # a baseline told, activity counted: "client normally gets his salary from…; this month 3 transfers from…"
        r"\b(client|customer|he|she|account)\b.{0,15}\b(normally|usually|typically|generally|d'habitude|"
        r"habituellement|normalement)\b",
        r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|several|multiple|dozens of|deux|trois|quatre|cinq|six|"
        r"sept|huit|neuf|dix|plusieurs) (incoming |outgoing |small |large |cash |petits |gros |new |nouveaux )?"
        r"(transfers|deposits|withdrawals|payments|wires|transactions|virements|depots|retraits|paiements|versements|accounts|"
        r"comptes)\b"), 1.0,
     "compares with the customer's history"),
    (rx(r"\bamount\b|\bmontant\b|\beur\b|\busd\b|€|\$"), 0.5, "mentions amounts"),
]

GOVERNANCE = [
    (rx(r"\bpolic(y|ies)\b", r"\bpolitique", r"\bregulat", r"\breglement", r"\bdirective",
        r"\brequirements?\b", r"\bguidelines?\b", r"\blignes directrices", r"\borientations de l'",
        r"\brules?\b", r"\bregles?\b",
        r"\bcompliance (requirement|rule|framework|programme|program)",
        r"\bexigence", r"\bobligation", r"\blegal basis\b", r"\bbase legale\b"), 1.5,
     "asks about policy or regulation"),
    (rx(r"\bapprov", r"\bsign[- ]?off", r"\bvalidat", r"\bcommittee", r"\bcomite",
        r"\bfour[- ]eyes", r"\bquatre yeux", r"\bsegregation of duties", r"\bseparation des taches",
        # a control's weakness: "…compliance never looks at them, is that a gap?"
        r"\b(control )?gaps?\b", r"\bweakness(es)?\b", r"\b(lacunes?|failles?) (de|du|dans)\b"),
     1.5, "asks about approvals or controls"),
    (rx(r"\baudit", r"\brecord[- ]?keeping", r"\bretention", r"\bretain", r"\bkeep (the )?records",
        r"\bconserv", r"\barchiv", r"\btrace", r"\bpiste d'audit", r"\bdocument(ation|er)\b"), 1.5,
     "asks about audit or record-keeping"),
    (rx(r"\bmodel (risk|governance|validation|inventory)", r"\bgouvernance", r"\bgovernance",
        r"\b(risque|validation) de(s)? modele", r"\bai act\b", r"\bsr ?11-7",
        r"\b(language|scoring|credit) model", r"\bmodele (de|d') (langage|score|notation)"), 1.5,
     "asks about model governance"),
    # the signs of a wrong in general, no transaction to judge: "the typical red flags of trade-based laundering"
    (rx(r"\b(typical|common|main|key|usual|classic|known|standard|most frequent)\b.{0,15}\b(red flags|warning signs|"
        r"indicators|typolog\w*|signs|patterns|schemes)", r"\btypologies?\b",
        r"\b(signaux d'alerte|indicateurs|indices|schemas)\b.{0,10}\b(typiques|courants|principaux|classiques|"
        r"frequents|habituels)", r"\b(principaux|grands) (signaux d'alerte|indicateurs|schemas)"), 1.5,
     "asks about the signs of a wrong in general"),
    # a kind of financial crime named as a subject: "Explain CEO fraud", "la fraude au président"
    (rx(r"\b(ceo|invoice|payment|card|wire|mortgage|insurance|investment|romance|authori[sz]ed push payment) fraud",
        r"\bfraude (au president|a la facture|au faux fournisseur|aux virements|a la carte|documentaire|fiscale)",
        r"\b(money laundering|insider (trading|dealing)|market (abuse|manipulation)|ponzi|phishing|tax evasion|"
        r"terrorist financing|blanchiment|delit d'initie|abus de marche|manipulation de cours|hameconnage|"
        r"financement du terrorisme|fraude fiscale|evasion fiscale)\b"), 1.0, "names a kind of financial crime"),
    # a message written to the customer is a task of its own, whatever transaction it names: "Draft a reply
    # telling the customer we can't reverse the transfer he authorised" (asked whether it is suspicious, it is
    # still a transaction's assessment: that question weighs more)
    (rx(r"\b(draft|write|prepare|compose)\b.{0,20}\b(reply|response|letter|e-?mail|message)\b.{0,30}\b(to|telling|"
        r"explaining to|informing|for) (the |our |a |this )?(customer|client)s?\b",
        r"\b(redige|ecris|prepare|formule)\w*\b.{0,20}\b(reponse|lettre|courrier|e-?mail|mail|message)\b.{0,30}"
        r"\b(au|a la|aux|pour le|pour la) (client|cliente)s?\b"), 2.0, "asks for a message to the customer"),
    # who may do a thing, or must: a question of responsibilities ("Who may change a risk rating?")
    (rx(r"\bwho (must|should|can|may|is allowed to|approves|signs off)\b", r"\bqui (doit|peut|valide|approuve)\b"),
     1.5, "asks who is responsible"),
    # whether a thing is allowed is a rule's question: "Peut-on transporter 5 000 € en espèces sans les déclarer ?"
    (rx(r"\b(peut-on|a-t-on le droit|est-il (permis|autorise|interdit|legal)|is it (allowed|permitted|legal)|"
        r"are we allowed|may (one|we|a bank|a firm))\b"), 1.0, "asks whether something is allowed"),
    # how often a control runs is a policy question, even of a "risk assessment" or a "high-risk customer"
    (rx(r"\bhow (often|frequently)\b", r"\bat what (frequency|interval)", r"\ba quelle (frequence|periodicite)",
        r"\btous les combien", r"\bperiodicite\b"), 2.0, "asks how often a control runs"),
    (rx(r"\brisk (appetite|management framework|framework|committee|culture|tolerance)", r"\bthe board\b",
        r"\bboard of directors", r"\bappetit (pour le|au) risque", r"\bconseil d'administration",
        r"\bicaap\b", r"\bilaap\b", r"\bcadre de gestion des risques"), 1.5, "asks about risk governance"),
    (rx(r"\bkyc\b", r"\baml\b", r"\blcb-?ft\b", r"\bmifid", r"\bgdpr\b", r"\brgpd\b", r"\bdora\b",
        r"\bbasel", r"\bbale\b", r"\bfatf\b", r"\bgafi\b", r"\bsanctions? (list|screening|regime)",
        r"\bdue diligence", r"\bvigilance", r"\bbest execution", r"\bmeilleure execution",
        r"\bcontrols?\b", r"\bcontroles?\b", r"\bprocedure", r"\bcr[rd]\b", r"\bemir\b", r"\bsolvency",
        r"\bifrs", r"\blarge exposures?", r"\bgrands risques", r"\bpsd2\b", r"\bdsp2\b", r"\bmica\b",
        r"\b(suspicious (activity|transaction)|currency transaction) reports?\b", r"\bdeclarations? de soupcon",
        r"\btracfin\b", r"\bfincen\b", r"\bliquidity coverage", r"\bnet stable funding", r"\blcr\b",
        r"\bnsfr\b", r"\bleverage ratio", r"\bratio de (levier|liquidite)", r"\bcet ?1\b",
        r"\b(eba|esma|eiopa|ecb|bce|acpr|amf|fca|pra|finra|bafin|fsb|bis|bri)\b", r"\boutsourcing\b",
        r"\bexternalisation\b", r"\bpeps?\b", r"\btravel rule\b", r"\bpolitically exposed",
        r"\bpolitiquement expose", r"\bgel des avoirs", r"\basset freeze", r"\bembargo", r"\bsars?\b",
        r"\bstrs?\b"), 1.0,
     "names a regulatory framework"),
    (rx(r"\bcovenants?\b", r"\bsolvabilite\b", r"\bsfdr\b", r"\b(article|art\.?) [689] (fund|fonds)",
        r"\bfonds (article|art\.?) [689]\b", r"\b(esg|taxonomy|taxonomie)\b", r"\bconvertible (bond|note)s?",
        r"\bobligations? convertibles?", r"\b(bond|equity|credit|interest rate) (spread|duration|convexity|yield)",
        r"\b(dcf|discounted cash flows?|wacc|ebitda|valuation|expected credit loss(es)?|ecl|value at risk|var|"
        r"(liquidity|credit|market|operational|counterparty|concentration) risk)\b",
        r"\b(valorisation|pertes? de credit attendues?|valeur a risque|risque (de liquidite|de credit|de marche|"
        r"operationnel|de contrepartie|de concentration))\b",
        r"\b(repos?|reverse repos?|repurchase agreements?|securities lending|ccps?|central counterpart(y|ies)|clearing "
        r"houses?|default waterfall|margin calls?|srep|volcker|dodd-frank|pensions? livrees?|chambres? de compensation|"
        r"contreparties? centrales?|appels? de marge|prets? de titres)\b"),
     1.0, "names a finance subject"),
    (rx(r"\bwhat (is|are|does|must|should)\b", r"\bhow (often|long|much|many)\b",
        r"\bhow (is|are) [\w' -]{1,40} (assigned|calculated|computed|measured|determined|set|classified|valued)\b",
        r"\bcomment (est|sont) (calcule|determine|mesure|fixe|classe|attribue)e?s?\b",
        r"\bexplain\b", r"\bdefine\b", r"\bwalk me through\b", r"\bsummari[sz]e\b", r"\bresume\b",
        r"\bhow (do|does|would) (you|one|a bank) (calculate|compute|measure|estimate|value)\b",
        r"\bhow (does|do) (an? |the )?[\w' -]{1,40} work\b", r"\bcomment fonctionne(nt)?\b",
        r"\bcomment (calcule-t-on|se calcule\w*|mesure-t-on|estime-t-on)\b", r"\bqu'est-ce", r"\bcombien\b",
        r"\bquel(le)?s? (est|sont)",
        r"\bexplique", r"\bdefini", r"\bque (doit|doivent)\b", r"\ba quelle frequence"), 0.5,
     "asks for an explanation"),
]
