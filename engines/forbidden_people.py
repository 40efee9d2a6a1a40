"""Forbidden asks that wrong a person (engines.forbidden_asks holds the rest): impersonating
someone or using their identity, cheating a customer, taking money that is not theirs, taking over
an account, leaking personal or internal data or reading private messages —
each a (pattern, weight, reason) over folded text, as REFUSAL's."""

from __future__ import annotations

from engines.patterns import ASKS_EN, ASKS_FR, GAP_EN, GAP_FR, ORDER_EN, ORDER_FR, rx

PEOPLE = [
    (rx(r"\b(write|draft|compose|send|create|craft|make)\w*\b.{0,60}\b(pretend\w* to be|posing as|impersonat\w*)\b",
        r"\b(so (that )?(i|we) can|to|help (me|us)|how (do|can) (i|we))\s+phish\b",
        r"\b(create|make|build|set up|open)\w*\b.{0,10}\bfake (linkedin |social media |online |twitter |x )?(profile|"
        r"account|persona|identity)",
        r"\b(write|draft|compose|send|create|craft|make|build)\w*\b.{0,30}\b(phishing|spoofed) (email|e-mail|message|"
        r"sms|text|page|site|website)",
        r"\b(ecri|redig|envo|compos|cree|fabriqu|fai)\w*\b.{0,60}\b((en )?(me |te |se |nous )?faisant passer pour|"
        r"usurp\w*)",
        r"\b(ecri|redig|envo|compos|cree|fabriqu|fai)\w*\b.{0,30}\b(e-?mail|message|sms|page|site) de phishing",
        r"\bin (my \w+'s|someone else's|somebody else's|another person's|his|her|their) name\b.{0,80}"
        r"\bwithout (him |her |them |their |his )?(knowing|knowledge|consent|permission|telling)",
        r"\b(under|with|using) (a |an )?(fake|false|made[- ]up|assumed|invented|borrowed|stolen) (name|identity)",
        r"\b(sous|avec) (un |une )?(faux nom|fausse identite|nom d'emprunt|identite d'emprunt|autre identite)",
        r"\bau nom (de|d') (ma|mon|mes|quelqu'un|un tiers|une autre personne|un autre)\b.{0,80}"
        r"\bsans (qu'(il|elle|ils|elles) le (sache|sachent)|son accord|leur accord|son consentement|le lui dire)",
        # an attestation signed for someone: "Sign the compliance attestation in my name; I never did the training"
        r"\b(sign|complete|fill in|fill out|submit|tick)\w*\b.{0,50}\b(attestations?|certifications?|declarations?|"
        r"training|tests?|exams?|quiz|forms?)\b.{0,30}\b(in my name|for me|on my behalf|as me|in (his|her|their|"
        r"[\w-]+'s) name)\b",
        r"\b(signe|remplis|complete|valide|passe)\w*\b.{0,50}\b(attestations?|certifications?|declarations?|formations?|"
        r"tests?|examens?|quiz|formulaires?)\b.{0,30}\b(a ma place|en mon nom|pour moi|a sa place|en son nom)\b",
        # another's ID used: "Use my sister's ID to open a second trading account"
        ORDER_EN + r"(use|using)\b.{0,10}\b(my|his|her|their|a) "
        r"([\w-]+'s )(id|identity|passport|id card|driving licen[cs]e|details|name|login)\b",
        r"(^|[.;:!?]\s*|\bmerci d'|\b(" + ASKS_FR + r") (a )?)(utilise|prends|sers-toi de)\w*\b.{0,10}\b(la carte "
        r"d'identite|le passeport|l'identite|les papiers|le nom) (de|d') (mon|ma|son|sa)\b",
        # the dead kept alive on paper: "open an account in my late grandmother's name to keep collecting her pension"
        r"\b(au nom|sous l'identite|avec les papiers|avec la carte d'identite) (de|d'|du|des) .{0,30}\b(decede|defunt|"
        r"mort)e?s?\b", r"\b(in the name of|in|under|using|with) (my |his |her |our |the |a )?(dead|deceased|late)\b"
        r".{0,20}('s)? ?(name|identity|id|passport|papers|details)\b",
        r"\b(continuer|continue|keep|go on)\b.{0,5}\b(a |to )?(toucher|percevoir|encaisser|collecting|receiving|"
        r"drawing|cashing|getting)\b.{0,30}\b(sa|son|leur|la|his|her|their|the) (pension|retraite|allocations?|"
        r"benefits?|allowance|annuity|rente)\b(?! de reversion| de survie)(?!.{0,20}\b(survivor|widow))"),
     3.0, "asks to impersonate someone or use their identity"),
    (rx(r"\b(send|move|transfer|wire|put|redirect|pay)\b.{0,30}\b(the |their |his |her )?(money|funds|payment|cash|"
        r"refund|proceeds)\b"
        r".{0,30}\b(to|into) (my|our) (own|personal|private) account",
        r"\b(vire|envoie|transfere|mets|verse|redirige)\w*\b.{0,40}\b(vers|sur) (mon|notre) (propre )?compte( perso"
        r"| personnel)?\b",
        # the payee changed to one's own: "change le bénéficiaire du virement pour mettre mon IBAN"
        r"\b(chang|modifi|remplac|mets|mettre|swap|replac|updat|put)\w*\b.{0,40}\b(beneficiaire|iban|rib|coordonnees "
        r"bancaires|beneficiary|payee|account number|bank details)\b.{0,40}\b(par|with|for) (celui|ceux|that|the one|"
        r"those) (de|d'|of) (mon|ma|my|our|notre) (associe|frere|soeur|cousin|cousine|ami|amie|femme|mari|partner|"
        r"brother|sister|friend|wife|husband)\b",
        r"\b(chang|modifi|remplac|mets|mettre|swap|replac|updat|put)\w*\b.{0,40}\b(beneficiaire|iban|rib|coordonnees "
        r"bancaires|beneficiary|payee|account number|bank details)\b.{0,40}\b(mon|mes|notre|my|our) (own |personal |"
        r"propre )?(iban|rib|compte|coordonnees|account|bank details)\b",
        # reviews written by no customer: "five fake five-star reviews of our app"
        r"\b(write|post|create|generate|draft|publish)\w*\b.{0,30}\b(fake|false|made[- ]up|bogus|invented|sock ?puppet)"
        r"\b.{0,30}\b(reviews?|testimonials?|ratings?|endorsements?)\b",
        r"\b(ecri|redig|publi|cree|poste|genere)\w*\b.{0,30}\b(faux|fausses|bidons?|inventes?|inventees?) "
        r"(avis|temoignages|commentaires|notes)\b",
        r"\b(get|make|have) (the |a |our )?(client|customer)s?\b.{0,20}\bsign\b.{0,60}\b(hidden (fees|charges|costs)|"
        r"without (reading|seeing|noticing|understanding))",
        r"\bfaire signer\b.{0,80}\b(frais caches|sans (qu'il|qu'elle) (lise|voie|comprenne))",
        # clients told what is not so: "a note telling clients the fund gained 8%; it actually lost 3%"
        r"\b(draft|write|prepare|send|compose|tell)\w*\b.{0,40}\b(telling|informing|assuring|reassuring|to tell|that "
        r"tells) (the |our |all )?(clients?|customers?|investors?|shareholders?)\b.{0,80}[;,.:—–-]\s*(but )?"
        r"(it|they|we|the fund|the (share )?price)? ?(actually|really|in fact|in reality)\b",
        r"\b(redig|ecri|envo|prepar|di)\w*\b.{0,40}\b(aux|a nos|a tous les) (clients|investisseurs|actionnaires)\b"
        r".{0,80}\b(alors qu'en (realite|fait)|[;,.:—–-]\s*(mais )?en (realite|fait))\b",
        # told what the papers deny: "tell the client the note is capital-guaranteed; the small print says otherwise"
        r"\b(tell|assure|promise|reassure|say to|convince)\w*\b (the |our |my |a |all )?(clients?|customers?|"
        r"investors?|him|her|them)\b.{0,100}\b((the )?(small|fine) print|(the )?(contract|prospectus|kid|terms|"
        r"term sheet|documentation|policy wording)) (says?|states?|shows?) (otherwise|the opposite|something else|"
        r"it (isn't|is not|'s not))",
        r"\b(di|assur|promet|convainc|rassur)\w*\b.{0,10}\b(au client|aux clients|a l'investisseur|aux investisseurs|"
        r"lui|leur)\b.{0,100}\b(alors que|meme si|bien que) (le contrat|les petites lignes|le prospectus|le dic|la "
        r"documentation|les conditions)\b.{0,10}\b(dit|disent|dise|disent|prevoi\w*|indique\w*) (le contraire|"
        r"autre chose|l'inverse)",
        # the bank's terms turned against the customer: "change the value dates so the interest falls in our favour"
        r"\b(change|alter|shift|move|adjust|modify|tweak|backdate|set)\w*\b.{0,40}\b(value dates?|rates?|fees?|"
        r"interest|exchange rates?|fx rates?|prices?|fills?|execution)\b.{0,60}\b(in our favou?r|to our (advantage|"
        r"benefit)|at the (client|customer)s?'?s? expense)",
        r"\b(modifi|chang|decal|ajust|manipul|antidat|fix)\w*\b.{0,40}\b(dates? de valeur|taux|frais|interets|cours|"
        r"prix|commissions?)\b.{0,60}\b(en notre faveur|a notre (avantage|profit)|au detriment (du|des) clients?)",
        # a product sold with its risks kept quiet: "vendre ce produit… sans lui expliquer les risques"
        ORDER_EN + r"(sell|push|pitch|place)\b.{0,60}\bwithout "
        r"(explaining|telling (him|her|them) about|mentioning|disclosing|showing (him|her|them)) (the |its |any )?"
        r"(risks?|fees|charges|costs|downside|losses)",
        r"(^|[.;:!?]\s*|\bmerci de |\b(" + ASKS_FR + r") (a )?)(vend|place|fourgu)\w*\b.{0,60}\bsans (lui |leur )?"
        r"(expliquer|dire|montrer|presenter|detailler|mentionner|parler des?) (les |ses |aucun |des )?(risques?|frais|"
        r"pertes|conditions)",
        # a fee kept from the one who pays it: "…pour que le client ne la voie pas sur son relevé"
        r"\b(fees?|commissions?|charges?|costs?|mark-?ups?)\b.{0,80}\bso (that )?(the |our |my )?(clients?|customers?|"
        r"investors?)\b.{0,10}\b(doesn't|don't|won't|can't|cannot|never)\b.{0,10}\b(see|notice|spot|realise|realize)",
        r"\b(commissions?|frais|couts?|marges?)\b.{0,80}\bpour (que|qu') (le |la |les |nos |notre )?(client|cliente|"
        r"clients|investisseurs?)\b.{0,10}\bne (la |le |les |l')?(voie|voient|remarque|remarquent|s'en apercoive\w*)",
        # a client's questionnaire filled in for him: "Remplis le questionnaire MiFID à la place du client…"
        ORDER_EN + r"(fill in|fill out|complete|tick)\b.{0,40}"
        r"\b(suitability|appropriateness|mifid|kyc|risk profile|risk-profile) (questionnaire|form|test)\b.{0,40}"
        r"\b(for the client|on (his|her|their|the client's) behalf|instead of the client|in (his|her|their|the "
        r"client's) place)",
        r"(^|[.;:!?]\s*|\bmerci de |\b(" + ASKS_FR + r") (a )?)(remplis|remplir|complete|coche)\w*\b.{0,40}"
        r"\b(questionnaire|profil|test d'adequation|formulaire)\b.{0,40}\b(a la place (du|de la|des) clients?|a sa "
        r"place|pour (le|la) client)",
        # …or so that a product passes: "Fill in the suitability questionnaire for Mr Lopez as 'experienced
        # investor' so the structured note goes through"
        # (a value chosen for the client, not a form filled in with them "so the file passes the audit")
        ORDER_EN + r"(fill in|fill out|complete|tick|mark)\b(?=.{0,120}\b(experienced|sophisticated|professional|"
        r"expert|high risk|aggressive|dynamic|knowledgeable)\b).{0,60}\b(suitability|appropriateness|mifid|kyc|risk "
        r"profile|risk-profile)\b.{0,80}\bso (that )?(the |it |this |he |she )?[\w' -]{0,30}\b(goes through|passes|"
        r"gets (approved|accepted|through)|is (approved|accepted))",
        ORDER_FR + r"(remplis|complete|coche|mets|indique)\w*\b(?=.{0,120}\b(averti|experimente|"
        r"expert|professionnel|dynamique|offensif|eleve|etendues?)\b).{0,60}\b(questionnaire|profil|test "
        r"d'adequation|formulaire)\b.{0,60}\bpour (que|qu') [\w' -]{0,40}\b(passe|soit (accepte|valide|approuve))",
        # a client's portfolio traded for the commissions: "Trade the widow's portfolio a few extra times…, the
        # commissions will make our quarter"; not "How do we detect churning…?"
        # (the fees the asker's gain, not a cost to mind: "Rotate the portfolio…, keep an eye on the fees")
        ORDER_EN + r"(trade|churn|turn over|rotate|flip)\w*\b.{0,40}\b(portfolio|account|holdings|positions)\b.{0,60}"
        r"\b((we need|for|to earn|to make|to hit|to boost) (the |our |more |some )?(commissions?|fees|brokerage)|"
        r"(the |our )?(commissions?|fees|brokerage)( fees)? (will|would|to) (make|save|boost|hit|help))\b",
        ORDER_FR + r"(fais|faire|multiplie)\b.{0,30}\b(tourner|allers-retours|arbitrages|ordres|"
        r"transactions)\b.{0,40}\b(portefeuille|compte|mandat)\b.{0,80}\b((il nous faut|on a besoin d|pour "
        r"(toucher|gagner|faire)) ?(des |les |nos )?(commissions|frais)|(les |nos )?commissions (sauveront|feront|vont "
        r"(sauver|faire)|nous))",
        # charged on the quiet, hours padded: "…on les prélèvera discrètement", "Gonfle les heures facturées au client"
        r"\b(prelev|factur|debit|charg|ponctionn)\w*\b.{0,30}\b(discretement|en douce|sans (le lui dire|prevenir|le "
        r"dire|qu'il le sache))\b",
        r"\b(charge|debit|bill|take|deduct)\w*\b.{0,50}\b(quietly|discreetly|on the quiet|without telling (him|her|"
        r"them))\b",
        r"(^|[.;:!?]\s*|\bplease |\bjust |\bmerci de )(inflate|pad|bump up|gonfle|majore|surfacture)\w*\b.{0,30}"
        r"\b(hours|bill|invoice|fees?|heures|facture|honoraires|frais)\b",
        # a product said to be compulsory, for the commission: "Dis à la cliente que l'assurance est obligatoire…"
        r"\b(dis|tell|explique|say|inform|assure)\w*\b.{0,30}\b(au client|a la cliente|aux clients|the client|the "
        r"customer|him|her|them|lui|leur)\b.{0,60}\b(obligatoire|mandatory|compulsory|required)\b.{0,60}"
        r"\b(commission|bonus|prime|fee|target|objectif)",
        # a document worded so its readers miss what matters: "word the prospectus so investors don't realise…"
        r"\b(word|phrase|write|draft|present|design|format|structure)\w*\b.{0,60}\bso (that )?(the )?(investors?|"
        r"clients?|customers?|buyers?|shareholders?|borrowers?)\b.{0,10}\b(don't|won't|doesn't|never|can't|cannot|"
        r"do not|will not)\b.{0,10}\b(realise|realize|notice|see|understand|find out|spot)",
        r"\b(formul|redig|present|tourn)\w*\b.{0,60}\bpour (que|qu') (les |le |la )?(investisseurs?|clients?|"
        r"acheteurs?|actionnaires?|emprunteurs?)\b.{0,10}\bne (se rende\w* pas compte|voie\w* pas|comprenne\w* pas|"
        r"remarque\w* pas)",
        # the vulnerable pressed to buy: "a call script that pressures elderly customers into…"
        r"\b(" + ASKS_EN + r"|write|draft|prepare|create)\b" + GAP_EN + r"\b(pressur\w*|push\w*|rush\w*|hurr(y|ies)|"
        r"bull(y|ies)|coerc\w*|frighten\w*|scare\w*)\b.{0,20}\b(elderly|vulnerable|older|retired|confused|grieving|"
        r"bereaved|frail)\b",
        r"\b(" + ASKS_FR + r"|ecris|redige|prepare)\b" + GAP_FR + r"\b(pousse|presse|force|mettre la pression|mets la "
        r"pression|faire peur|effraie|brusque)\w*\b.{0,30}\b(personnes agees|clients? ages|retraites|(clients?|"
        r"personnes) vulnerables|veuves?|seniors?)\b"),
     3.0, "asks to cheat a customer"),
    # money moved where the one moving it controls it: "move the dormant accounts' balances into a suspense account I
    # control"
    (rx(r"\b(move|transfer|sweep|put|redirect|divert|shift|wire|channel)\w*\b.{0,60}\b(into|to|onto) (an? |the |my |"
        r"our )?[\w' -]{0,20}\baccounts? (that )?(i|we|only i|only we) (control|own|hold|run|manage|have access to)\b",
        r"\b(vire|transfer|deplac|mets|mett|redirig|detourn|bascul|verse)\w*\b.{0,60}\b(sur|vers|dans) (un|le|mon|"
        r"notre) [\w' -]{0,20}\bcompte (que|qu') (je|nous|moi seul) (controle|detiens|gere|possede)"), 3.0,
     "asks to take money that is not theirs"),
    (rx(r"\b(get(ting)? into|access(ing)?|log(ging)? ?in(to)?|break(ing)? into|hack(ing)?|take over|"
        r"taking over|hijack(ing)?)\b.{0,40}\b(another|someone|"
        r"other|a different|my ex|his|her|their)\b.{0,30}\b(account|banking|login)",
        # customers' passwords a firm kept, used to log in as them
        r"\b(log\w*\s?in(to)?|access\w*|us(e|es|ing)|with)\b.{0,60}\b(passwords?|credentials|login details|pins?)\b"
        r".{0,15}\b(we|i) (stored|saved|kept|collected|harvested|captured|have on file)\b",
        r"\b(entrer|acceder|me connecter|pirater|prendre le controle)\b.{0,40}\b(compte|banque en "
        r"ligne|espace)\b.{0,30}\b(autre|quelqu'un|d'un client|de mon|de ma)",
        r"\b(compte|espace)\b.{0,20}\bd'un autre client",
        r"\b(use|using|with|steal|get|obtain|guess|crack|utiliser|avec|voler|obtenir|deviner|recuperer)\b.{0,12}"
        r"\b(password|passcode|pin|credentials|login details|mot de passe|code secret|identifiants)\b.{0,20}"
        r"\b(of a|of another|of my|of our|d'un|d'une|de mon|de ma|du|de notre|from a)\b.{0,10}"
        r"\b(client|customer|user|colleague|voisin|collegue)",
        r"\b(date of birth|maiden name|security (answers?|questions?)|date de naissance|nom de jeune fille|questions? "
        r"secretes?)\b.{0,80}\b(reset|unlock|log ?in|access|get into|reinitialis|debloqu|acceder|me connecter)\w*\b"
        r".{0,40}\b(for (them|him|her)|on (their|his|her) behalf|a sa place|a leur place|pour (lui|elle|eux))"), 3.0,
     "asks to take over an account"),
    # the verb, not the noun: not "draft an email to a client asking for proof of address"
    (rx(r"(?<!\ban )(?<!\bthe )(?<!\ba )\b(export|send|give|leak|share|dump|extract|email|forward)\b.{0,40}"
        r"\b(client|customer|"
        r"employee|user)s?\b.{0,30}\b(list|data|balance|record|file|detail|address|iban)",
        r"\b(export|envo|donn|partag|extrai|transmet|fuit)\w*\b.{0,50}\b(liste|donnees|fichier|"
        r"soldes|coordonnees)\b.{0,30}\b(clients?|salaries|employes)",
        r"\b(clients?|customers?|employees?|salaries)\b.{0,60}\b(gmail|hotmail|yahoo|personal (e-?mail|"
        r"address|account)|private (e-?mail|address)|boite perso|adresse perso|mail perso)",
        r"\b(home )?(addresses|phone numbers|emails|adresses|numeros)\b.{0,15}\b(of|de|des)\b.{0,25}"
        r"\b(clients|customers)",
        r"\b(give|send|tell|read|show|get|donne|envoie|dis|lis|montre|trouve)\w*\b.{0,30}\b(card number|"
        r"cvv|cvc|pin\b|security code|numero de (la )?carte|cryptogramme|code (secret|confidentiel|pin)|"
        r"mot de passe|password|credentials|login details|identifiants|codes d'acces)\b.{0,50}"
        r"\b(client|customer|user|holder|titulaire|directeur|director|manager|boss|colleague|collegue|chef|patron|ceo|"
        r"cfo|superieur)",
        # the client base taken away: "copy the client database onto my USB stick before I hand in my notice"
        r"\b(copy|copie|download|telecharge|export|take|save|transfer|transfere|met)\w*\b.{0,40}\b(clients?|customers?|"
        r"clientele)\b.{0,30}\b(onto|to|on|into|sur|dans|vers)\b.{0,10}\b(my|a|ma|mon|une?) (own |personal |perso )?"
        r"(usb|memory stick|thumb drive|flash drive|personal (laptop|drive|email)|home computer|cle usb|cle|disque dur|"
        r"ordinateur perso\w*|boite perso\w*)",
        # a former employer's clients, taken along: "I kept the client files from my old job; draft emails to…"
        r"\b(kept|took|taken|copied|downloaded|saved|have|brought)\b.{0,20}\b(client|customer) (files?|lists?|data|"
        r"database|contacts?|details)\b.{0,30}\bfrom (my|our) (old|previous|former|last) (job|employer|firm|bank|"
        r"company|desk)\b",
        r"\b(garde|pris|copie|recupere|emporte|conserve|telecharge)\w*\b.{0,20}\b(les |la |le )?(fichiers?|listes?|"
        r"base|donnees|coordonnees) (des |de |de mes )?clients?\b.{0,30}\bde mon (ancien|precedent) (emploi|"
        r"employeur|poste|cabinet|banque|job)\b",
        # customers' secrets pulled in bulk: "a script to scrape our customers' card numbers from the logs"
        r"\b(scrape|harvest|extract|pull|collect|dump|grab|copy|export)\w*\b.{0,40}\b(customers?'?|clients?'?|users?'?)"
        r"( \w+)?\s?(card numbers?|cvvs?|cvcs?|pins?|passwords?|credentials|login details)",
        r"\b(extrai|recuper|aspir|copi|export)\w*\b.{0,40}\b(numeros de carte|codes? (secrets?|pin)|mots de passe|"
        r"identifiants)\b.{0,20}\b(des |de nos )?clients",
        # customers' data sold: "revendre les données de nos clients à un courtier"
        r"\b(sell|selling|resell|monetis|monetiz|(re)?vend|revendre|monnayer)\w*\b.{0,30}\b(donnees|data|fichiers?|"
        r"listes?|details|records)\b.{0,20}\b(de nos |des |our |customer |client |user )?(clients?|customers?|users?)",
        r"\b(sell|selling|resell|monetis|monetiz)\w*\b.{0,20}\b(our |the |all )?(customer|client|user)s?'? (data|"
        r"details|records|files|lists?)\b",
        # a whistleblower unmasked: "get me the whistleblower's name from the hotline report"
        r"\b(get|give|find|tell|send|dig up|pull|look up)\w*( me| us)?\b.{0,20}\b(the )?whistle-?blower'?s? (name|"
        r"identity|details)", r"\b(identify|unmask|expose|out|reveal|name)\w*\b.{0,10}\bthe whistle-?blower\b",
        r"\b(trouve|donne|dis|revele|identifie|demasque|retrouve)\w*(-moi)?\b.{0,30}\b(le nom|l'identite)"
        r" (du|de la) lanceu(r|se) d'alerte",
        # others' private messages read: "by reading their personal emails without telling legal"
        r"\b(read|go through|access|open|look through|search|snoop on|dig through|check)\w*\b.{0,10}\b(their|his|her|"
        r"the staff's|staff|employees'?|colleagues'?|(my |our )[\w-]+'s) (personal|private) (e-?mails?|messages?|"
        r"phones?|chats?|texts?|mailbox(es)?|whatsapps?|inbox(es)?|accounts?)\b(?!.{0,60}\b(consent|policy|allowed|"
        r"permitted|lawful|legally|gdpr)\b)",
        r"\b(lire|lis|fouiller|fouille|consulter|consulte|acceder a|ouvrir|ouvre)\b.{0,10}\b(leurs|ses|les) (e-?mails|"
        r"mails|messages|sms|telephones|boites mail) (perso|personnel\w*|prive\w*)\b(?!.{0,60}\b(consentement|"
        r"politique|autorise|legal|rgpd)\b)"), 2.5, "asks to leak personal or internal data"),
]
