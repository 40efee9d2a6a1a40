"""What a forbidden ask looks like (engines.router; what a question about a wrong looks like, which
excuses its words, is in engines.about_a_wrong).

REFUSAL holds the signals of an ask to commit a wrong — launder, structure, evade controls or
sanctions, falsify or backdate, misstate accounts, bribe, impersonate, deceive an auditor, run a
fraud scheme, manipulate a market, trade on inside information, hide assets, take over accounts,
leak data, cheat a customer, destroy evidence, override the risk judgement, get away with it — each
a (pattern, weight, reason) over folded text; those that wrong a person (impersonate, cheat a
customer, take money that is not theirs, take over an account, leak data, read private messages)
are in engines.forbidden_people, those on a market (manipulate it, trade on inside information) in
engines.forbidden_markets, those on a firm's figures and what it tells others (deceive an auditor,
tell what is false, misstate the accounts) in engines.forbidden_books, and an ask to keep anything
from those who oversee it in engines.forbidden_unseen.
"""

from __future__ import annotations

from engines.forbidden_books import DECEIVE, FALSE_TELLING, MISSTATED
from engines.forbidden_markets import FRONT_RUNNING, INSIDE_INFORMATION, MANIPULATION
from engines.forbidden_people import PEOPLE
from engines.forbidden_unseen import KEPT_UNSEEN
from engines.patterns import ASKS_EN, ASKS_FR, GAP_EN, GAP_FR, ORDER_EN, ORDER_FR, rx

# (pattern, weight, reason) — patterns see folded text.
REFUSAL = [
    # verb forms only: "money laundering" as a noun belongs to risk assessments
    (rx(r"\blaunder(s|ed)?\b", r"\bblanchi(r|ss)", r"\bclean (the |my |this )?(dirty |black )?(money|cash)",
        r"\bwash (the |my )?(money|cash)", r"\bnettoyer (l'|de l')?argent", r"\bdirty (money|cash)",
        r"\bargent (sale|noir)", r"\b(drug|criminal|stolen|illegal|bribe) (money|cash|proceeds|funds)",
        r"\blooks? like (a |an )?(legitimate|legit|clean|normal|consulting|business|genuine)\b",
        r"\b(argent|fonds|gains) (de la drogue|illegaux|voles|du trafic)",
        r"\bpasser pour (des|un|une) (honoraires|revenus|facture)",
        # "a plan to layer €300k through three exchanges"
        r"\b(" + ASKS_EN + r"|plan to|give me|show me)\b.{0,40}\blayer(ing)?\b.{0,30}(\d|€|\$|£|money|funds|cash|"
        r"proceeds)",
        # a payment presented as what it is not: "…as a loan repayment, even though there was never a loan"
        r"\b(as|comme) (a |an |un |une )?[\w' ,-]{0,30}\b(even though|although|alors qu'|bien qu')\s?(there (was|is) "
        r"(never|no)|there's no|il n'y a (jamais )?(eu|pas))"), 3.0, "asks for help laundering money"),
    (rx(r"\b(split|break up|divide|structure|smurf)\w*\b.{0,60}\b(deposit|cash|payment|transfer)s?",
        r"\b(decoup(?!age)|fractionn(?!ement)|divis(?!ion))\w*\b.{0,60}\b(depot|especes|versement|virement)",
        r"\b(below|under|sous) (the |le )?(reporting |declaration )?(threshold|seuil)",
        r"\b(avoid|escape|dodge|without)\b.{0,30}\b(report|declar|flag|detect)",
        r"\b(ne (le )?declare pas|sans (etre )?declar|eviter (la|une) declaration)",
        # "Explique-moi comment faire passer du liquide sans le déclarer"; not "Peut-on transporter 5 000 € sans
        # les déclarer ?", a question on the rule
        r"\b(" + ASKS_FR + r")\b.{0,80}\bsans (le |les |la |l')?(declarer|signaler)",
        r"\b(" + ASKS_EN + r")\b.{0,80}\bwithout (declaring|reporting) (it|them|the cash|the money|the funds)"), 2.5,
        "asks how to avoid reporting (structuring)"),
    (rx(r"\b(evade|circumvent|get around|bypass|dodge|skirt)\b.{0,40}\b(sanction|asset freeze|embargo)",
        r"\bsanction\w*\b.{0,60}\b(without|undetected|noticing|hide)",
        r"\b(contourn|echapp|evit)\w*\b.{0,40}\b(sanction|gel des avoirs|embargo)",
        r"\bsanctionne\w*\b.{0,60}\bsans (que|etre)",
        r"\bpays sanctionne\w*\b.{0,50}\bsans"), 3.0, "asks to evade sanctions"),
    (rx(r"\b(" + ASKS_EN + r"|write|draft|make)\b" + GAP_EN + r"\bbackdat",
        r"(^|[.;:!?]\s*|\bplease |\bjust |\bmerci d')(backdate|antidate)\b",
        # a signature copied onto another paper: "Copy the signature from last year's mandate onto this new one"
        r"\b(copy|paste|lift|transfer|scan|reuse)\w*\b.{0,20}\bsignatures?\b.{0,40}\b(onto|on to|into|to|on) (this|the|"
        r"a|another|the new|that)\b",
        r"\b(copie|colle|recopie|reprends|reutilise|transfere)\w*\b.{0,10}\bla signature\b.{0,40}\b(sur|dans) (le|ce|"
        r"cette|un|une|la|l')\b",
        # yesterday's date put on an order: "Mets la date d'hier sur l'ordre pour qu'il profite du cours d'avant…"
        r"\b(mets|mettre|change|modifie|inscris)\w*\b.{0,10}\b(la )?date (d'hier|de la veille|du jour precedent|de la "
        r"semaine derniere|anterieure)\b",
        r"\b(put|change|set|make|write|enter)\w*\b.{0,20}\b(yesterday's|last week's|an earlier|the previous day's|a "
        r"past) date\b.{0,20}\bon (the|this|that|these) (orders?|trades?|tickets?|contracts?|instructions?)\b",
        # a false email written: "Rédige un faux mail de la direction…" (not one forwarded to security)
        r"\b(redige|ecris|prepare|fabrique|envoie|cree)\w*\b.{0,20}\b(un |une )?(faux|fausse) (mail|e-?mail|courriel|"
        r"message|note|memo)\b",
        r"\b(write|draft|create|compose|send)\w*\b.{0,20}\b(a |an )?(fake|forged|spoofed|bogus) (email|e-mail|message|"
        r"memo|note)\b",
        r"\b(i need|we need|i want|we want|get me|give me|prepare|produce|create|can you (make|write|draft|do))\b"
        r".{0,40}\bbackdated\b",
        r"\b(il me faut|il nous faut|j'ai besoin d'|fais-moi|prepare-moi|redige-moi)\b.{0,40}\bantidate",
        r"\b(" + ASKS_FR + r"|ecris|redige|fais)\b" + GAP_FR + r"\bantidat",
        r"(?<!\bnot to )(?<!\bnever to )(?<!\bnever )\b(fake|forge|falsif|fabricat|doctor|counterfeit|made[- ]up|"
        r"invented|bogus|phony|phoney|sham)\w*\b.{0,40}"
        r"\b(invoice|document|statement|record|contract|payslip|receipt|id\b|passport|bill|certificate|proof|letter|"
        r"date|signature)",
        r"(?<!\bne pas )(?<!\bjamais )\b(fausse?s?|faux|falsifi|antidat|fabriqu|bidon|invente|trafique)\w*\b.{0,40}"
        r"\b(facture|document|releve|"
        r"contrat|bulletin|justificatif|piece|attestation|certificat|date|signature|fiche|lettre|bilan|avis|"
        r"passeport|carte d'identite)",
        # a document attesting what is not: "a letter… confirming funds the client doesn't have"
        r"\b(letter|statement|certificate|attestation|document|confirmation|proof|reference)\b.{0,60}\b(confirming|"
        r"showing|stating|certifying|proving|saying|that (says|shows|states|confirms))\b.{0,40}\b(doesn't|don't|"
        r"does not|do not|didn't|did not|never|isn't|aren't|wasn't|weren't) (have|has|exist|happen|own|earn|hold)",
        r"\b(lettre|releve|certificat|attestation|document|confirmation|justificatif)\b.{0,60}\b(confirmant|"
        r"attestant|certifiant|montrant|prouvant|indiquant|qui (dit|montre|atteste|confirme))\b.{0,40}\bn'(a|ont|avait|"
        r"existe|est) (pas|jamais)\b",
        r"\b(attestation|releve|bulletin|facture|document|justificatif|bilan|avis d'imposition|fiche de paie|"
        r"certificat)s?( de [\w']+)? (gonflee?s?|falsifiee?s?|truquee?s?|trafiquee?s?|retouchee?s?|antidatee?s?)\b",
        r"\b(inflated|padded|doctored) (payslips?|pay slips?|salary (certificates?|statements?)|income statements?|"
        r"bank statements?|invoices?|tax returns?)\b",
        # a document made out in another's name: "Generate a utility bill in the client's name so…"
        r"\b(generate|create|make|produce|mock up|print|design|knock up)\w*\b.{0,10}\b(an? |the )?(utility bill|bank "
        r"statement|payslip|pay slip|proof of address|tax return|id card|passport|driving licen[cs]e|certificate|"
        r"invoice|reference letter)s?\b.{0,10}\bin (the |a )?([\w-]+'s|his|her|their|someone else's|another person's) "
        r"name\b",
        r"\b(genere|cree|fabrique|fais|imprime|produis)\w*\b.{0,10}\b(une?|le|la) (facture|releve|bulletin de (paie|"
        r"salaire)|justificatif|attestation|avis d'imposition|certificat)\b.{0,40}\bau nom (de|du|d')\b",
        # a document written to say what did not happen: "…showing the loan was approved, even though it wasn't",
        # "reword the SAR so it sounds like we only just noticed, even though we knew"
        r"\b(draft|write|prepare|produce|create|reword|rewrite|word|phrase)\w*\b.{0,60}\b(showing|stating|saying|"
        r"that (says|shows|states)|to show|confirming|certifying|recording|so (that )?(it|this) (sounds?|looks?|"
        r"reads?) (like|as if|as though))\b.{0,60}\b(even though|although|when in fact|but in fact)\b.{0,30}"
        r"\b(it|we|they|he|she|i)\b.{0,10}\b(wasn't|weren't|didn't|did not|was not|hadn't|had not|knew|never)",
        # dated earlier to cover what was done: "…daté du mois dernier pour couvrir ce prêt déjà versé"
        r"\b(draft|write|prepare|produce|create)\w*\b.{0,60}\bdated (last|the previous|a) (month|week|year|quarter)\b"
        r".{0,40}\b(to cover|to justify|so (that )?it looks|to make it look)",
        r"\b(redig|ecri|prepar|fai|produi)\w*\b.{0,60}\bdate (du|de la|de l') ?(mois|semaine|annee|trimestre|exercice) "
        r"(dernier|derniere|passe|precedent)\b.{0,40}\bpour (couvrir|justifier|faire croire)",
        # a letter in the name of a bank that never wrote it
        r"\b(write|draft|create|make|produce|fabricate)\w*\b.{0,60}\b(on (their|its|the bank's|another bank's|"
        r"someone else's) letterhead|from (a|an|the) [\w ]{0,20}(we|i) (have )?(never|haven't|have not) (dealt|worked|"
        r"banked))",
        r"\b(redig|ecri|fabriqu|fai|produi|cree)\w*\b.{0,60}\b((sur|avec) (son|leur) (papier a )?en-tete|d'une banque "
        r"avec laquelle (nous|je) n'(avons|ai) jamais)",
        # a record written to show what did not happen: "write the board minutes so it looks like the directors
        # approved the loan", "rédige le procès-verbal pour faire croire que le comité a validé"
        r"\b(write|draft|prepare|produce|create|redo|rewrite|edit|change|alter|amend|update)\w*\b.{0,30}\b(minutes|"
        r"records?|logs?|register|file|memo|report|notes|approval|sign-?off|timesheets?|call notes)\b.{0,60}"
        r"\bso (that )?(it|this|they|everyone|the (auditors?|regulators?|file|record))\b.{0,10}\b(looks?|reads?|"
        r"seems?|appears?|think|believe)s? (like|as if|as though|that)\b",
        r"\b(redig|ecri|prepar|refai|modifi|chang|complet)\w*\b.{0,30}\b(proces-verbal|pv|compte rendu|registre|"
        r"dossier|note|rapport|validation|feuilles? de temps)\b.{0,60}\b(pour faire croire|pour qu'on croie|comme si)"
        r"\b"), 3.0, "asks to falsify documents"),
    (rx(r"\b(pass|fool|trick|beat|get past|get around|bypass|circumvent|sidestep|skirt|cheat|game)\w*\b.{0,15}"
        r"\b(the )?(kyc|aml|compliance|fraud|sanctions?) (check|control|screening|review|system)",
        r"\b(kyc|aml|compliance|fraud) (check|control|screening|review)s? (pass|succeed)",
        r"\b(word|phrase|describe|label|name|write|disguise|format|reference)\w*\b.{0,60}"
        r"\bso (that )?.{0,40}\b(screening|monitoring|filter|software|system|algorithm|alerts?|compliance)\b.{0,15}"
        r"\b(miss(es)?|overlooks?|ignores?|(won't|doesn't|don't|can't|cannot|never|does not|will not) (catch|"
        r"flag|detect|spot|pick|notice|see))\b",
        r"\b(formul|libell|redig|decri|present|nomm|deguis)\w*\b.{0,60}"
        r"\bpour (que|qu')\b.{0,40}\b(filtrage|logiciel|systeme|controle|alerte|conformite)s?\b.{0,20}"
        r"\b(ne (le |la |les |l')?(voie|detecte|repere|signale|bloque)|rate|laisse passer)",
        r"\b(passer|tromper|contourner|dejouer)\w*\b.{0,15}\b(le|les|la)? ?"
        r"(controle|kyc|filtrage|verification)",
        r"\b(" + ASKS_EN + r")\b.{0,60}\bwithout (going through |doing |passing |any |a |the )*(kyc|id checks?|"
        r"identity (checks?|verification)|aml checks?|verification)",
        r"\b(" + ASKS_FR + r")\b.{0,60}\bsans (passer par |faire |aucun |aucune )?(le |de |les )?(kyc|controle "
        r"d'identite|verification d'identite|controles? lcb)",
        r"\bso (that )?(it|this|they|the (payment|transfer|wire)s?)\b.{0,10}\b(doesn't|does not|won't|don't|will not|"
        r"never)\b.{0,10}\b(hit|trigger|trip|breach|exceed|show up on|appear on)\b(?! (any )?false)"
        r".{0,20}\b(limits?|thresholds?|"
        r"alerts?|monitoring|reporting|screening|controls?)",
        r"\b(through|via|across|using) (a few|several|multiple|some|various|many) (personal|private|friends'|family) "
        r"accounts\b.{0,60}\b(so|to avoid|to get around|to stay under)\b",
        r"\bpar (plusieurs|quelques|divers|differents) comptes (perso|personnels|prives|de proches)\b.{0,40}"
        r"\bpour (eviter|contourner|ne pas (depasser|declencher|atteindre))\b",
        # screening dodged: "…so he doesn't show up as a PEP" (not a false match cleared)
        r"\bso (that )?(he|she|it|they|the (client|customer|account|name|payment|company))\b.{0,10}\b(doesn't|"
        r"won't|does not|will not|never)\b.{0,10}\b(show up|appear|come up|get flagged|ping)\b.{0,20}\b(as (a )?"
        r"peps?|on (the |any )?(sanctions? |watch ?)?lists?|in (the )?screening)"
        r"(?!.{0,30}\bfalse (positive|match|hit))",
        # a limit got around: "…a second trading account so I can get around the position limit"
        r"\bso (that )?(i|we) (can|could) (get around|circumvent|bypass|dodge|exceed|go over|break|beat)\b.{0,20}"
        r"\b(the |my |our |a )?(position |trading |credit |risk |spending |withdrawal |exposure |concentration |loss )?"
        r"limits?\b",
        r"\bpour (pouvoir |que je puisse |qu'on puisse )?(contourner|depasser|eviter) (la|le|les|ma|mon|mes|nos|notre) "
        r"(limite|plafond)s?\b",
        # kept off a limit: "Post the trade to the hedge account so it doesn't count against my VaR limit"
        r"\bso (that )?(it|this|they|the (trade|position|loss|exposure|deal)s?)\b.{0,10}\b(doesn't|won't|does not|"
        r"will not|don't|never)\b.{0,5}\b(count|go|weigh|show) (against|towards|toward|on|in)\b.{0,20}\b(limits?|var|"
        r"books?|p&l|exposure|capital)\b",
        # a report held back until the money is gone: "Retarde la déclaration de soupçon jusqu'à ce que le client…"
        r"\b(retard|decal|report|suspend|differ|delay|hold off|postpone|wait)\w*\b.{0,30}\b(declaration de soupcon|"
        r"declaration a tracfin|sars?|strs?|suspicious (activity|transaction) reports?|the report)\b.{0,60}"
        r"\b(until|till|jusqu'a|apres|after)\b.{0,40}\b(withdr\w*|retir\w*|moved|transferred|vire\w*|gone|parti\w*)",
        # an invoice cut under the approval limit: "…so my manager never has to sign off"
        r"\b(split|break|divide|cut)\w*\b.{0,40}\b(invoices?|purchase orders?|orders?|expense claims?|payment "
        r"requests?)\b.{0,60}\b(below|under|beneath)\b.{0,15}\b(approval|sign-?off|authori[sz]ation|spending|"
        r"signing) (limit|threshold)",
        r"\b(decoup|fractionn|divis|scind)\w*\b.{0,40}\b(factures?|bons? de commande|commandes?|notes? de frais)\b"
        r".{0,60}\b(sous|en dessous)\b.{0,15}\b(le |du )?(seuil|plafond|limite) (de |d')(validation|approbation|"
        r"signature|delegation)",
        # a loan cut so that no committee sees it: "Split the €900k loan into three so it stays under the credit
        # committee's threshold"
        r"\b(split|break|divide|cut)\w*\b.{0,40}\b(loans?|credits?|facilit(y|ies)|exposures?|lines?)\b.{0,60}"
        r"\b(below|under|beneath)\b.{0,30}\b(committee|approval|sign-?off|delegation|authori[sz]ation)('?s)? "
        r"(limit|threshold)"), 2.5, "asks to defeat a control"),
    DECEIVE, FALSE_TELLING,  # engines.forbidden_books
    MANIPULATION,  # engines.forbidden_markets
    MISSTATED,  # engines.forbidden_books
    # gifts to the one who decides, to win the contract: "send their procurement director tickets so we win the tender"
    (rx(r"\b(give|offer|send|buy)\w*\b(?=.{0,100}\b(gifts?|watch(es)?|cash|trips?|holidays?|tickets|envelopes?|"
        r"hampers?)\b).{0,60}\b(buyer|procurement|purchasing|official|director|decision[- ]maker)\w*"
        r"\b.{0,60}\b(to|so (that )?(we|i) (can|could)) (win|get|secure|land|clinch)\b.{0,20}\b(the |a |this |that )?"
        r"(contract|deal|tender|bid|licen[cs]e|permit)",
        r"\b(offr|donn|envoy|pay|achet)\w*\b.{0,40}\b(cadeaux?|montres?|voyages?|enveloppes?|billets|especes)\b.{0,40}"
        r"\b(au|a la|aux|a l')\b.{0,30}\b(directeur|responsable|acheteur|decideur|fonctionnaire|elu)\w*\b.{0,60}\bpour "
        r"(decrocher|obtenir|remporter|gagner|avoir|signer)\b.{0,20}\b(le |un |ce |la )?(contrat|marche|appel d'offres|"
        r"deal|permis|autorisation)",
        r"\b(" + ASKS_EN + r")\b" + GAP_EN + r"\b(bribe|pay off|grease|kick ?back|backhander|pay (a |the |some )?"
        r"(customs |tax |government |public |local |port |city |police )?(official|officer|inspector|minister|judge|"
        r"civil servant|clerk|customs))",
        r"\b(record|book|enter|show|present|disguise|pass|invoice)\w*\b.{0,40}\b(as|like) (a |an )?(consulting|"
        r"advisory|marketing|commission|service|introduction) (fee|payment|expense|invoice|cost)",
        r"\b(" + ASKS_FR + r")\b" + GAP_FR + r"\b(soudoyer|corrompre|graisser la patte|verser (un |des )?"
        r"pots?-de-vin|payer (un |le |les |des |l')?(douanier|fonctionnaire|agent public|agent des douanes|agents? "
        r"du fisc|inspecteur|juge|ministre|elu))",
        r"\b(comptabilis|enregistr|present|deguis|fai\w* passer|facture)\w*\b.{0,40}\b(comme|en|pour) (des |un |une )?"
        r"(honoraires|frais|commission|prestation)s? (de )?(conseil|consulting|service|marketing)"), 3.0,
     "asks to pay or hide a bribe"),
    KEPT_UNSEEN,  # engines.forbidden_unseen
    (rx(r"\b(" + ASKS_EN + r"|explain how)\b.{0,60}\b(receive|collect|pay|hide|channel|route|pocket)\b.{0,20}"
        r"\b(kickbacks?|bribes?|backhanders?|secret commissions?)",
        r"\b(" + ASKS_EN + r"|explain how)\b.{0,40}\b(set up|create|use|open)\b.{0,20}\bshell compan(y|ies)\b.{0,40}"
        r"\b(to|so)\b.{0,20}\b(hide|receive|collect|channel|launder|pocket|keep)",
        r"\b(" + ASKS_FR + r")\b.{0,60}\b(encaisser|verser|payer|recevoir|cacher|toucher|faire transiter)\b.{0,20}"
        r"\b(des |les |de )?(commissions? occultes?|retro-?commissions?|dessous-de-table|pots?-de-vin)",
        r"\b(" + ASKS_FR + r")\b.{0,40}\b(monter|creer|utiliser|ouvrir)\b.{0,20}\bsocietes? ecrans?\b.{0,40}"
        r"\bpour\b.{0,20}\b(cacher|encaisser|dissimuler|faire transiter|blanchir|toucher|recevoir)"), 3.0,
     "asks to take or hide kickbacks"),
    # a wrong described, then "help me do the same": the ask is to copy it
    (rx(r"\b(launder\w*|fraudsters?|evad\w*|evasion|structuring|smurf\w*|brib\w*|forg(e|es|ed|ing|ery)|falsif\w*|"
        r"fake\w*|embezzl\w*|scam\w*|spoof\w*|manipulat\w*|insider trading|ponzi)\b.{0,200}"
        r"\b(help (me|us)|show (me|us) how to|teach (me|us) (how )?to|i want to|we want to|i'd like to|"
        r"so (that )?(i|we) can) (do|copy|replicate|try|pull off|repeat) (the same|it|that|this|them)\b",
        r"\b(blanchi\w*|fraudeurs?|contourn\w*|corrupt\w*|falsifi\w*|escroc\w*|escroq\w*|detourn\w*|delit d'initie)"
        r"\b.{0,200}"
        r"\b(aide[- ]moi a|aidez[- ]nous a|montre[- ]moi comment|je veux|on veut|pour que je puisse) (faire|copier|"
        r"reproduire|refaire) (pareil|de meme|la meme chose|comme eux|ca)\b"), 2.5,
     "asks to copy a wrong it describes"),
    # "...how do I do it without getting caught?": whatever "it" is, the ask is to get away with it
    (rx(r"\b(" + ASKS_EN + r")\b.{0,80}\bwithout (getting|being) (caught|found out|detected|noticed|flagged|traced)",
        r"\b(comment (je|j'|on|nous|puis-je|pourrais-je|faire|le faire|"
        r"(?!les |des |le |la |un |une )\w+(er|ir|re)\b)|aide[- ]moi|aidez[- ]nous|je veux|on veut|(un|le) moyen)\b"
        r".{0,80}\bsans (me faire|nous faire|se faire|etre) (prendre|pris|attrap\w*|pinc\w*|"
        r"reper\w*|coinc\w*|detect\w*|remarqu\w*)",
        # an order to alter a thing that counts on no one checking: "Add a couple of items to the burglary claim, the
        # insurer never checks receipts under €500"; not a finding told ("Summarise the audit: the bank never checks…")
        ORDER_EN + r"(add|include|put|round|inflate|pad|bump|claim|declare|book|post|enter|mark|tick|change|edit|alter|"
        r"backdate|skip|drop|leave out|omit|delete|remove|charge|bill|slip|throw|stick|tack|pop)\b.{0,120}[,;:—–-]\s*"
        r"(the |our |my )?(insurer|bank|auditors?|"
        r"regulator|compliance|tax (office|authorit(y|ies))|nobody|no one)\b.{0,15}\b(never|rarely|hardly ever|won't|"
        r"doesn't|don't|does not|do not|will not)\b.{0,5}\b(checks?|verif\w*|looks?|reads?|asks?|notices?|audits?)\b",
        ORDER_FR + r"(ajoute|mets|arrondis|gonfle|declare|inscris|passe|coche|modifie|change|saisis|"
        r"omets|supprime|retire|enleve|glisse|facture|antidate)\w*\b"
        r".{0,120}[,;:—–-]\s*(l'assureur|la banque|les auditeurs|le fisc|le regulateur|la conformite|personne|on)"
        r"\b.{0,10}\bne (verifie|controle|regarde|lit|demande|remarque)\w*\b.{0,5}\b(jamais|pas|rien)\b"),
     2.5, "asks how to get away with a wrong"),
    (rx(r"\b(" + ASKS_EN + r"|explain)\b" + GAP_EN + r"\b(run|set up|start|launch|operate|build)\w*\b.{0,20}"
        r"\b(ponzi|pyramid scheme|pump[- ]and[- ]dump|boiler room|advance[- ]fee)",
        r"\b(" + ASKS_FR + r")\b" + GAP_FR + r"\b(monter|lancer|organiser|mettre en place|faire tourner)\b.{0,20}"
        r"\b(ponzi|pyramid|systeme pyramidal|chaine de ponzi)",
        # billing for what was never done: "…so I can invoice my own employer for consulting work nobody did"
        r"\binvoic\w*\b.{0,60}\bfor\b.{0,40}\b(work|services?|consulting|goods|hours|jobs?)\b.{0,20}\b(nobody|no one|"
        r"never|that was never|that were never)\b.{0,10}\b(did|done|delivered|performed|provided|happened|rendered)\b",
        r"\bfactur\w*\b.{0,60}\b(prestations?|travaux|missions?|services?|heures)\b.{0,20}\b(fictives?|fictifs?|"
        r"jamais (realise|effectue|fait|rendu|livre)\w*|que personne n'a)"), 3.0, "asks to run a fraud scheme"),
    INSIDE_INFORMATION, FRONT_RUNNING,  # engines.forbidden_markets
    # evidence made to vanish before an inspection, asked or ordered; not "Can we delete old emails before the
    # audit?", nor duplicates or files kept past their retention period
    (rx(r"\bmake (the |this |that |these |those )?(alerts?|flags?|case|evidence) (disappear|go away|vanish)",
        ORDER_EN + r"(delete|erase|wipe|destroy|shred|remove|hide|"
        r"get rid of)\b(?!.{0,200}\b(gdpr|retention (period|rule|polic)))"
        r"(?:(?!\b(?:duplicate|obsolete|expired|outdated|temporary|redundant|test)\b).){0,40}\b(alerts?|evidence|"
        r"records?|recordings?|trail|logs?|e-?mails?|files?|messages?|chats?)\b"
        r".{0,50}\b(before|ahead of) (the |our |their )?((fca|sec|amf|acpr|ecb|pra|finra|regulator'?s?) (visit|"
        r"inspection|review|exam)|audit|auditors?|inspection|inspectors?|examiners?|regulators?|investigat\w*)",
        # "The inspection is Thursday. Shred the credit files we never completed."
        r"\b(inspection|audit|investigation|inspectors?|auditors?|regulators?|examiners?|raid|subpoena|controle|"
        r"enquete|perquisition)\b[^.;:!?]{0,60}[.;:!?]\s*(please |just |merci de )?(shred|destroy|wipe|delete|erase|"
        r"get rid of|burn|detrui|dechiquet|efface|supprime|brule)\w*\b(?!.{0,40}\b(duplicate|obsolete|expired|outdated|"
        r"temporary|redundant|test|doublons?|obsoletes?|perimes?)\b)",
        r"(^|[.;:!?]\s*|\baide[- ]moi a |\baidez[- ]nous a |\bcomment )(supprim|effac|detrui|cach|dissimul|"
        r"fai\w* disparaitre)\w*\b.{0,40}\b(preuves?|traces?|documents?|dossiers?|e-?mails?|fichiers?|ecritures?|"
        r"enregistrements?|appels|conversations|messages|journaux)\b"
        r".{0,50}\b(avant|pendant) (l'|la |le )?(inspection|controle|audit|visite|enquete|acpr|amf)",
        r"(^|[.;:!?]\s*|\bplease |\bhelp (me|us) (to )?|\baide[- ]moi a |\bpour )(remove|delete|drop|strike out|"
        r"take out|retirer|supprimer|enlever|effacer)\b.{0,20}\b(the |this |that |our |le |ce |cette |la |les |l')?"
        r"(audit )?(finding|constat|observation|reserve)s?\b(?!.{0,60}\b(once|after|since|because|as soon as|now that|"
        r"une fois|apres|puisque|car|des que)\b)"), 3.0, "asks to destroy or hide evidence"),
    (rx(r"\b(ignore|override|bypass|disregard|forget)\b.{0,30}\b(your|the|all)?\s*(risk|compliance|"
        r"aml|kyc)?\s*(rules|controls|policy|policies|instructions|judgement|judgment|checks)",
        r"\b(delete|remove|clear|close|dismiss|suppress)\b.{0,20}\b(the |this )?(alert|flag|alarm|case)\b",
        r"\b(supprime|efface|ferme|classe sans suite|faire disparaitre|fais disparaitre)\w*\b.{0,20}"
        r"\b(l'|cette |le |les |ces )?(alerte|signalement)",
        # "mark this alert as a false positive and close it, the client is the CEO's cousin"
        r"(^|[.;:!?]\s*|\bplease |\bjust |\bcan you |\bhelp me )(mark|classify|flag|label|close|clear|treat)\b.{0,30}"
        r"\bfalse positive\b.{0,80}\b(friend|cousin|brother|"
        r"sister|relative|family|ceo|director|boss|vip|favou?r|important client|don't (bother|check|look))",
        r"(^|[.;:!?]\s*|\bmerci de |\bpeux-tu |\baide-moi a )(classe|marque|clos|ferme|traite)r?\b.{0,30}"
        r"\bfaux positif\b.{0,80}\b(ami|cousin|frere|soeur|famille|"
        r"pdg|directeur|patron|vip|service)",
        r"\b(mark|classify|rate|flag|label)\b.{0,40}\b(as )?(low|no) risk\b.{0,60}\b(flagged|"
        r"suspicious|alert|anyway|regardless|no need to (look|check|review)|don't (bother|look|check)|"
        r"as a favou?r|friend of)",
        r"\b(ignore|oublie|contourne|desactive)\w*\b.{0,30}\b(tes|les|vos)?\s*(regles|controles|"
        r"consignes|instructions|procedures)",
        r"\b(classe|note|marque)\w*\b.{0,40}\b(en )?risque faible\b.{0,60}\b(signale|suspect|alerte|"
        r"quand meme|malgre|pas besoin de (regarder|verifier|l'examiner)|c'est un ami|un ami d)",
        # a rating lowered before a review sees it, ordered (not "Can we lower it before the review if…?")
        r"(^|[.;:!?]\s*|\bplease |\bjust )(change|set|lower|downgrade|move|switch|put)\b.{0,40}\b(risk )?(score|"
        r"rating|level|grade)\b.{0,20}\b(to|at|as) (low|minimal|green)\b.{0,60}\bbefore (the |our |a )?(\w+ )?"
        r"(review|audit|inspection|check)",
        r"(^|[.;:!?]\s*|\bmerci de |\bpeux-tu )(passe|mets|baisse|change|modifie|classe)\w*\b.{0,40}"
        r"\b(note|cotation|score|niveau) de risque\b.{0,40}\b(a|en) (faible|bas|vert)\b.{0,60}\bavant (la |le |l')?"
        r"(\w+ )?(revue|audit|controle|inspection)",
        # ratings changed to get a file through: "…modifie les notes de crédit pour faire passer le dossier"
        r"\b(modifi|chang|baiss|remont|ajust|gonfl|trafiqu)\w*\b.{0,10}\b(les |la |le )?(notes?|notations?|scores?|"
        r"scorings?|ratings?)( de credit| de risque| internes?)?\b.{0,30}\bpour (faire passer|que .{0,20} passe|"
        r"obtenir l'accord|faire valider)",
        r"\b(change|alter|bump|tweak|adjust|raise|massage)\w*\b.{0,10}\b(the )?(credit |risk |internal )?(ratings?|"
        r"scores?|grades?)\b.{0,30}\b(to get|so) (the )?(file|loan|deal|application|credit)\b.{0,10}\b(through|"
        r"approved|past|passes)",
        # "…to low; her brother is on the sanctions list but she's a good client"
        r"(^|[.;:!?]\s*|\bplease |\bjust )(change|set|lower|downgrade|move|switch|put|mark)\b.{0,40}\b(risk )?(score|"
        r"rating|level|grade)\b.{0,20}\b(to|at|as) (low|minimal|green)\b.{0,100}\b(but|though|although|since|because|"
        r"as)\b.{0,25}\b(good|big|biggest|best|largest|top|important|valuable|loyal|long-standing|key) "
        r"(client|customer)",
        r"(^|[.;:!?]\s*|\bmerci de |\bpeux-tu )(passe|mets|baisse|change|modifie|classe)\w*\b.{0,40}"
        r"\b(note|cotation|score|niveau) de risque\b.{0,20}\b(a|en) (faible|bas|vert)\b.{0,100}\b(mais|car|puisque)\b"
        r".{0,25}\b(bon|gros|important|fidele|bonne|grosse|importante) (client|cliente)"), 2.5,
     "asks to override the risk judgement"),
    (rx(r"\b(hide|conceal|disguise|obscure)\b.{0,40}\b(origin|source|beneficiar|owner|funds|money|"
        r"transaction|income|earnings|profits|revenue)", r"\b(cacher|dissimuler|masquer|camoufler)\b.{0,40}"
        r"\b(origine|provenance|beneficiaire|fonds|argent|revenus|gains|benefices)",
        r"\b(hide|conceal|keep)\b.{0,40}\bfrom (the )?(tax|irs|hmrc|revenue|authorities|regulator)",
        r"\b(cacher|dissimuler)\b.{0,40}\b(au fisc|aux impots|a l'administration|aux autorites)",
        # assets kept from those a court sends to collect them
        r"\b(" + ASKS_EN + r")\b" + GAP_EN + r"\b(hide|conceal|stash|squirrel away)\b.{0,40}\bfrom (the |my |"
        r"our |his |her )?(liquidators?|receivers?|administrators?|creditors|bankruptcy (trustee|court)|trustee|"
        r"bailiffs?)",
        r"\b(" + ASKS_FR + r")\b" + GAP_FR + r"\b(cacher|dissimuler|planquer|soustraire)\b.{0,40}\b(au |aux |du |"
        r"des |a mes |a nos )(liquidateur|"
        r"mandataire|administrateur judiciaire|creanciers|huissiers?)",
        r"\b(evade|dodge)\b.{0,15}\btax(es)?\b", r"\b(frauder|tromper) le fisc",
        r"\b(echapper|soustraire)\b.{0,10}\b(a l'impot|au fisc|aux impots)",
        # for the purpose: "so no one can trace it"; not "we cannot trace the origin of these funds"
        r"\b(so|so that|in order that)\b.{0,20}\b(no one|nobody|cannot|can't|won't|couldn't)\b.{0,12}"
        r"\b(trace|track|link|follow)(d|ed)?\b",
        r"\b(pour (que|qu')|afin (que|qu'))\b.{0,20}\b(ne (puisse|pourra|peut)|personne ne)\b.{0,20}"
        r"\b(retracer|tracer|remonter|suivre)\b",
        r"\b(so|so that|without)\b.{0,30}\b(tax|authorit|police|regulator|bank|compliance|audit|review|"
        r"screening|monitoring|examiner|supervisor|inspector|sec|fca|finra|amf|acpr|bafin)\w*\b.{0,25}"
        r"\b(never|not|doesn't|don't|won't|cannot|can't|does not|will not) (see|notice|know|find|trace|spot|catch|"
        r"detect|pick up|realise|realize)",
        # "...so they don't find the missing stock", "without the bank noticing"
        r"\b(auditors?|regulators?|examiners?|inspectors?|compliance|tax (office|authorit\w*)|police|bank)\b.{0,15}"
        r"\bso (that )?(they|he|she|it) (don't|doesn't|won't|can't|never|do not|will not) (find|see|notice|spot|"
        r"discover|catch|realise|realize|know)",
        r"\bwithout (the |our |their |my |any )?(bank|tax|authorit\w*|police|regulators?|compliance|auditors?|"
        r"screening|monitoring|supervisors?|examiners?|irs|hmrc)\b.{0,15}\b(noticing|knowing|finding out|seeing|"
        r"spotting|catching|detecting|flagging|realising|realizing)",
        r"\bpour (que|qu')\b.{0,10}\b(le fisc|les impots|l'administration|les autorites|la banque|la police|"
        r"la conformite|le controle|l'auditeur|les auditeurs|le regulateur|le commissaire|l'inspecteur|l'amf|"
        r"l'acpr|le superviseur|la bce)\b.{0,25}"
        r"\bne\b.{0,10}\b(voie|voient|sache|sachent|remarque|trouve|detecte|repere)",
        r"\b(hid(e|es|ing)|conceal\w*|mask\w*|obscur\w*|disguis\w*)\b.{0,10}\bwho (really |actually |ultimately |"
        r"truly )?(owns|controls|"
        r"is behind)",
        r"\b(cacher|dissimuler|masquer)\b.{0,10}\bqui (possede|detient|controle|est derriere)",
        r"\b(so|so that)\b.{0,10}\b(the )?(real|true|ultimate|beneficial) owners?\b.{0,10}\b(stays?|remains?|is kept|"
        r"are kept) (anonymous|hidden|secret|unknown)",
        r"\bpour (que|qu')\b.{0,10}\b(le )?(vrai|veritable|reel) (proprietaire|beneficiaire)\b.{0,20}"
        r"\b(reste|demeure)\w* (anonyme|cache|secret|inconnu)",
        r"\bsans que (le fisc|les autorites|la banque|la police|la conformite)\b.{0,20}\b(voie|sache|"
        r"remarque|trouve)",
        r"\bso (that )?(my |his |her |the |our |their )?([\w-]+'s )?(ex-wife|ex-husband|ex|spouse|wife|husband|"
        r"creditors?|liquidators?|receivers?|bailiffs?)\b.{0,20}\b(can't|cannot|won't|doesn't|don't|will not|can not|"
        r"never)\b.{0,10}\b(find|see|reach|touch|get|seize|claim|trace)",
        r"\bpour (que|qu')\b.{0,30}\b(creanciers|ex-(femme|mari|epouse|conjoint)|conjoint|liquidateur|huissiers?)\b"
        r".{0,20}\bne\b.{0,20}\b(saisi|trouv|touch|recuper|voi)",
        # "Aide-moi à cacher 200 000 € à ma femme avant le divorce"
        r"\b(hide|hiding|conceal\w*|stash\w*|shelter\w*)\b.{0,60}\b(from (my|his|her) (wife|husband|spouse|partner|"
        r"ex|ex-wife|ex-husband)|before (the|my|our) divorce)\b",
        r"\b(cach|dissimul|planqu|soustrai|mettre a l'abri|mets a l'abri)\w*\b.{0,60}\b(a (ma femme|mon mari|"
        r"mon epouse|mon conjoint|ma conjointe|ma compagne|mon compagnon|mon ex)|avant (le|mon|notre) divorce)\b",
        # income kept off a return: "keep a client's offshore income off his French tax return", "…sans que ça
        # apparaisse sur ma déclaration"
        r"\bkeep\b.{0,40}\b(income|money|gains|dividends|earnings|assets|profits?)\b.{0,20}\boff (his|her|my|our|their|"
        r"the) ([\w-]+ )?(tax return|return|declaration|books)",
        r"\bwithout (it|them|this|the (income|money|dividends))\b.{0,5}\b(showing up|appearing|being declared) (on|in) "
        r"(my|his|her|our|the) (tax return|return|declaration|books|statement)",
        r"\bsans (que|qu') (ca|cela|rien|le montant|ces revenus|l'argent|ils|elles?) (n')?(apparaisse|apparaissent|"
        r"figure|figurent) (sur|dans) (ma|sa|notre|la|leur) (declaration|bilan|comptabilite|releve)",
        # income parted so what one owes stays low: "…so my student loan repayments stay low"
        r"\bso (that )?(my|our|his|her) (student loan|tax|taxes|tax bill|repayments?|contributions|child support|"
        r"maintenance|benefits?|alimony|pension contributions)( \w+)?\b.{0,10}\b(stays?|remains?|looks?|goes? down|"
        r"is|are)\b.{0,5}\b(low|lower|down|smaller|reduced|zero|nil)\b",
        r"\bpour (que|qu') (mes|mon|ma|nos|notre) (impots?|pension alimentaire|remboursements?|cotisations|"
        r"allocations?|aides?)\b.{0,20}\b(reste|restent|baisse|baissent|soi\w*) (bas|basse|faibles?|moins)",
        # one's own name kept out: "Enregistre la vente au nom de mon beau-frère pour que je n'apparaisse pas"
        r"\bpour (que|qu') (je|mon nom|nous|notre nom) n'(apparaisse|apparaissions|figure|figurions)\w* (pas|nulle "
        r"part|jamais)\b",
        r"\bso (that )?(i|my name|we|our name) (don't|doesn't|won't|never|do not|does not|will not) (appear|show up|"
        r"come up|feature)\b",
        # someone to hold it in one's place: "Trouve-moi un prête-nom pour détenir les parts… à ma place"
        r"\b(prete-nom|homme de paille|nominee|front man|frontman|straw (man|owner)|strawman)\b.{0,80}\b(a ma place|a "
        r"notre place|pour moi|pour nous|for me|for us|in my place|instead of me|on my behalf|in (his|her|their) name "
        r"(for|instead of) (me|us))"), 2.5,
     "asks to conceal funds or ownership"),
    *PEOPLE,  # wrongs done to a person (engines.forbidden_people)
]
