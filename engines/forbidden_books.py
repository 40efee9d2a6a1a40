"""Forbidden asks on a firm's figures and what it tells others (engines.forbidden_asks): an auditor or a
regulator deceived, someone told what the asker knows is false, the accounts misstated. Each a
(pattern, weight, reason) over folded text (engines.router.fold).
"""

from __future__ import annotations

from engines.patterns import ASKS_EN, ASKS_FR, GAP_EN, GAP_FR, ORDER_EN, rx

# "make the auditor believe", or an ask to mislead one; not "what happens if a firm misleads the regulator?"
DECEIVE = (
    rx(r"\b(" + ASKS_EN + r"|write|draft)\b" + GAP_EN + r"\b(mislead|deceive|fool|trick|lie to)\b.{0,12}"
       r"\b(the |our )?(auditors?|regulators?|examiners?|inspectors?|supervisors?)",
       r"\b(make|makes|making) (the |our )?(auditors?|regulators?|examiners?|inspectors?) (believe|think)",
       r"\bfai\w* croire\b.{0,60}\balors (que|qu')", r"\bmake\b.{0,30}\b(believe|think)\b.{0,60}\b(when|while|but) "
       r"(it's|it is|it was|they're|in fact|actually|really)\b",
       r"\bfai\w* croire\b.{0,20}\b(a l'|aux? |au )(auditeur|commissaire|regulateur|controleur|inspecteur|"
       r"superviseur|acpr|amf)",
       r"\b(" + ASKS_FR + r"|redige|ecris)\b" + GAP_FR + r"\b(tromper|induire en erreur|berner|mentir a)\b"
       r".{0,12}\b(l'|les |le |la )?(auditeur|commissaire|regulateur|controleur|inspecteur|superviseur|acpr|amf)",
       # last year's file handed over as this year's
       r"\b(last|previous|prior) (year|quarter|month)'s\b.{0,80}\b(tell|say|claim|pretend|present|label|pass)\w*\b"
       r".{0,30}\b(this|current) (year|quarter|month)'s\b",
       r"\b(de l'an dernier|de l'annee derniere|du trimestre dernier|du mois dernier)\b.{0,80}\b(dis|dire|disant|"
       r"pretend|fais passer|presente)\w*\b.{0,40}\b(de cette annee|de ce trimestre|de ce mois|de l'exercice en "
       r"cours)\b"),
    3.0, "asks to deceive an auditor or a regulator",
)

# a figure told that the asker says is false: "Tell the rating agency our default rate was 2% when it's really 6%"
FALSE_TELLING = (
    rx(ORDER_EN + r"(tell|inform|assure|reassure|report to|write to|"
       r"email|say to|confirm to)\b.{0,80}(\b(when|while|whereas|though|but)|[,;:—–-]) ?(it|they|we|he|she|the "
       r"(real|true|actual) [\w-]+)('s|'re| is| are| was| were)\b.{0,10}\b(really|actually|in fact|in reality)\b",
       # a draft that says what the asker says is not so: "…a memo saying the incident was minor; in reality…"
       ORDER_EN + r"(draft|write|prepare|send|tell|say|put out|publish)"
       r"\b.{0,60}\b(saying|stating|claiming|telling|that says|that states|to say|reporting)\b.{0,80}[;,.:—–-]\s*"
       r"(but )?(in reality|the truth is|truth is)\b",
       r"(^|[.;:!?]\s*|\bmerci de |\b(" + ASKS_FR + r") )(redige|ecris|prepare|envoie|dis|publie)\w*\b.{0,60}"
       r"\b(disant|affirmant|indiquant|expliquant|qui dit|pour dire)\b.{0,80}[;,.:—–-]\s*(mais )?(en realite|la verite "
       r"est)\b",
       ORDER_EN + r"(tell|inform|assure|reassure|report to|write to|"
       r"email|say to|confirm to)\b.{0,80}[;,:—–-]\s*(but )?(i|we|they|he|she|it) (really|actually|in fact) \w+",
       # the blame made to fall on another: "…pour que la faute retombe sur le stagiaire"
       r"\bpour (que|qu') (la faute|la responsabilite|le blame) (retombe|repose|soit mise)\w* sur\b",
       r"\bso (that )?(the )?(blame|fault|responsibility) (falls|lands|sits|is put) on\b",
       r"\b(pin|put|shift) (it|the blame|the fault|this) on (the |a |my |our )?(intern|junior|trainee|new joiner|"
       r"colleague|[\w-]+)\b(?!.{0,30}\b(who|if)\b)",
       r"\bfai\w* porter le chapeau (a|au)\b",
       # said with its falsity owned: "…that his investment is guaranteed, même si ce n'est pas le cas"
       r"\b(even though|although|though|when|while) (it|that|this|they|he|she)('s| is| was| are|'re| were) "
       r"(not|n't) (true|the case|so|guaranteed|insured|covered)\b",
       r"\b(meme si|alors que|bien que) (ce n'est|ce ne soit|c'est|ce n'etait|ca n'est|il n'est|elle n'est) "
       r"(pas (le cas|vrai|exact|garanti\w*)|faux)\b",
       # declared as what it is not: "déclarer mon appartement… comme résidence principale alors que je vis à Lisbonne"
       r"\b(declar|present|enregistr|fais passer|faire passer)\w*\b.{0,60}\b(comme|en tant que|en)\b.{0,40}"
       r"\balors (que|qu') (je|j'|nous|il|elle|on|ils|elles)\b",
       r"\b(declare|register|report|list|claim|present)\w*\b.{0,60}\bas (my|our|his|her|a|an|the)\b.{0,40}"
       r"\b(when|while|although|even though) (i|we|he|she|they) (actually|really|in fact)\b",
       r"(^|[.;:!?]\s*|\bmerci d'|\b(" + ASKS_FR + r") )(dis|dire|annonce|affirme|assure|ecris|ecrire|indique|"
       r"declare|reponds|repondre)\w*\b.{0,80}\balors (qu'en (realite|fait)|que (c'est|c'etait|il est|elle est|"
       r"nous sommes|on est) (en realite|en fait|vraiment))\b"),
    3.0, "asks to tell someone what it knows is false",
)

# an ask to misstate accounts, not a question on how auditors find it
MISSTATED = (
    rx(r"\b(" + ASKS_EN + r")\b" + GAP_EN + r"\b(inflate|overstate|pad|fudge|massage|dress up|window-dress|"
       r"manipulate|bury|understate|hide) (the |our |my |its |these |this |that )?([\w-]+'s |q[1-4] |reported )?"
       r"(revenue|sales|turnover|earnings|profits?|"
       r"results|books|numbers|figures|accounts|losses|liabilities|debts?|inventory|stock|assets|receivables|"
       r"margins?)",
       r"\bcook(ing)? the books", r"\b(maquill|trafiqu|truqu)\w* (les |nos |ses )?(comptes|bilans?|chiffres)",
       r"\b(write|draft|prepare|word|phrase)\w*\b.{0,60}\b(hides?|hiding|conceals?|masks?|buries|bury|obscures?)\b"
       r".{0,25}\b(loss|losses|drawdown|deficit|liabilit\w*|debts?|impairment|write-?downs?)\b",
       r"\b(redige|ecris|prepare|formule)\w*\b.{0,60}\b(cache|masque|dissimule|minimise)\w*\b.{0,25}"
       r"\b(pertes?|deficit|dettes?|depreciation)",
       r"\b(" + ASKS_FR + r")\b" + GAP_FR + r"\b(gonfler|surevaluer|enjoliver|manipuler|minorer|"
       r"sous-evaluer|cacher|dissimuler) (artificiellement )?(le |les |la |nos |notre |ses |son )?(chiffre "
       r"d'affaires|ca|resultats?|comptes|benefices?|pertes|dettes|bilan|chiffres|revenus|stocks|inventaire|"
       r"actifs|creances|marges?)",
       # "how do I make the missing €40k look like a timing difference?"
       r"\b(make|making)\b.{0,40}\b(missing|shortfall|loss|losses|gap|hole|deficit|theft|fraud|bribe|kickback|"
       r"cash|funds|money|payment|transfer)\b.{0,30}\b(look|appear|seem) (like|as|legitimate|normal)",
       r"\bfaire (passer|croire)\b.{0,40}\b(manque|trou|ecart|perte|detournement)\b",
       # an entry made for how the figures will look: "…so the numbers look ok", "pour que le trimestre paraisse bon"
       r"\bso (that )?(the |our |my |this )?(numbers|figures|results|accounts|books|p&l|pnl|quarter|ratios?|margins?|"
       r"balance sheet|kpis?)\b.{0,15}\b(look|looks|seem|seems|appear|appears) (ok|okay|good|better|fine|healthier|"
       r"nicer|stronger|right|normal|on target)\b",
       r"\bpour (que|qu') (les |le |nos |notre )?(chiffres|resultats|comptes|trimestre|ratios?|marges?|bilan)\b.{0,15}"
       r"\b(paraisse\w*|semble\w*|soi\w*) (bons?|bonnes?|corrects?|correctes?|meilleur\w*|presentables?|dans "
       r"l'objectif)\b",
       # personal spending passed off as business: "Fais passer ce voyage personnel en séminaire d'équipe…"
       r"\bfai\w* passer\b.{0,10}\b(ce|cette|ces|mon|ma|mes|un|une|des|le|la|les) ([\w'-]+ ){0,2}(personnel|perso|"
       r"prive)\w*\b.{0,10}\b(en|pour|comme)\b",
       r"\b(pass|put|claim|book|record|expense|charge)\w*\b.{0,10}\b(my|this|the|a|our) (personal|private|family) "
       r"[\w' -]{0,25}\b(as|through|to) (a |an |the )?(business|team|work|company|client|expense|offsite|seminar)",
       # a payment booked as what it is not: "…as 'consulting fees' even though it's for the sale of his boat"
       r"\bas (a |an |')?[\w' -]{0,30}\b(even though|although|when|while|but) (it|this|that|the (money|payment|"
       r"transfer|funds?))('s| is| was| are| were) (really |actually |in fact )?(for|from|a|an|the|to pay)\b",
       r"\b(comme|en tant que) (des |un |une |')?[\w' -]{0,30}\balors (que|qu') ?(c'est|c'etait|il s'agit|ce sont) "
       r"(en realite |en fait )?(pour|de|d'|la|le|les|un|une)\b",
       # a value stated against the true one: "put the building at €12m instead of €9m so the loan-to-value works"
       r"(^|[.;:!?]\s*|\bplease |\bjust |\b(" + ASKS_EN + r") |\bask (the |our |my )?[\w-]+ to )(value|put|mark|book|"
       r"show|report|record|price|appraise)\b.{0,40}\bat [€$£]?\d[\d,.]*\s?(m|k|bn|million|%)?\s?(instead of|rather "
       r"than|not) [€$£]?\d",
       r"(^|[.;:!?]\s*|\bmerci d'|\b(" + ASKS_FR + r") |\bdemande (au|a la|a l') ?[\w-]+ d')(evalue|mets|inscris|"
       r"comptabilise|valorise|affiche)\w*\b.{0,40}\ba \d[\d ,.]*\s?(m|k|md|millions?|%|€)?\s?(€ )?(au lieu de|"
       r"plutot que) \d",
       # a figure changed so a test passes (not "what headroom do we need so the covenant holds?")
       ORDER_EN + r"(tweak|adjust|change|alter|massage|fudge|put|value|mark|"
       r"move|shift|raise|lower|inflate|bump)\b.{0,80}\bso (that )?(the |our |my |his |her )?(numbers|figures|ratio|"
       r"ltv|loan-to-value|covenant|deal|maths?|dscr|debt service|affordability)\b.{0,10}\b(works?|passes|fits|"
       r"adds up|stacks up)\b",
       # a bad loan made to look good: "make the loan look performing for another quarter so we don't have to provision"
       r"\bmake\b.{0,10}\b(the |this |that |our |a )?(loans?|exposures?|accounts?|positions?|book|portfolio|balance "
       r"sheet|numbers|figures|results|company|fund)\b.{0,10}\b(look|seem|appear)s? (performing|current|healthy|fine|"
       r"normal|good|better|profitable|solvent)\b",
       # losses moved out of sight until the audit is over
       r"\b(move|park|shift|hide|transfer|book|put)\w*\b.{0,40}\b(loss-making|losing|underwater|bad|losses)\b.{0,60}"
       r"\b(until|till) (after )?(the |our )?(audit|inspection|review|quarter-end|year-end|exam)",
       r"\b(deplac|transfer|cach|mets|mett|bascul|gar)\w*\b.{0,40}\b(perdantes?|en perte|pertes)\b.{0,60}"
       r"\bjusqu'(apres|a la fin de) (l'|la |le )?(audit|controle|inspection|revue|cloture)",
       # an order: "Gonfle la valorisation des actifs illiquides…", "Inflate this quarter's revenue a bit"
       r"(^|[.;:!?]\s*|\bplease |\bjust |\bmerci de )(inflate|overstate|pad|fudge|pump up|gonfle|surevalue|enjolive|"
       r"majore|maquille|trafique|truque)\b.{0,30}\b(revenue|sales|earnings|profits?|results|valuations?|nav|"
       r"marks?|assets|figures|numbers|performance|chiffre d'affaires|resultats?|valorisations?|valeurs? "
       r"liquidatives?|actifs|chiffres|benefices?|performances?)\b",
       r"\b(tweak|adjust|alter|massage|fudge|doctor|edit|smooth|inflate|pad|touch up|bump up|nudge|boost)\w*\b.{0,50}"
       r"\b(returns?|performance|track record|nav|valuations?)\b.{0,60}\bso (that )?(we|it|they|the fund|our fund)\b"
       r".{0,10}\b(beat|outperform|looks? better|top|stays? ahead|comes? out ahead)",
       r"\b(modifi|ajust|retouch|arrang|gonfl|embelli|liss)\w*\b.{0,50}\b(performances?|rendements?|valorisations?|"
       r"valeurs? liquidatives?)\b.{0,60}\bpour (battre|surperformer|faire mieux que|que (le fonds|nous) batt)",
       # losses put in a later period, sales brought into this one: "book the trading losses in next quarter's
       # accounts"; not "what controls stop a trader from moving losses between reporting periods?"
       ORDER_EN + r"(book|record|move|shift|push|defer|roll|park|put|"
       r"carry|recogni[sz]e|pull)\b.{0,30}\b(loss|losses|costs?|expenses?|write-?downs?|impairments?|provisions?|"
       r"sales|revenues?|income|orders)\b.{0,30}\b(in|into|to|until|till|over|forward into) (the )?(next|following|"
       r"coming|a later|this|the current|previous|last) (quarter|year|month|period|accounts|books|reporting period)"
       r"('s (accounts|books|figures|results))?\b",
       r"(^|[.;:!?]\s*|\bmerci de |\b(" + ASKS_FR + r") )(pass|comptabilis|report|decal|repouss|gliss|enregistr|"
       r"mets|mett|bascul)\w*\b.{0,30}\b(pertes?|charges?|depreciations?|provisions?|ventes|chiffre d'affaires|"
       r"revenus)\b.{0,40}\b(sur|au|a|dans|en) (le |l'|les comptes du |les comptes de l')?(trimestre|exercice|mois|"
       r"annee) (prochain|suivant|d'apres|en cours|precedent)"),
    3.0, "asks to misstate the accounts",
)
