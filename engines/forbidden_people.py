"""Forbidden asks that wrong a person (engines.forbidden_asks holds the rest): impersonating
someone or using their identity, cheating a customer, taking over an account, leaking personal or
internal data — each a (pattern, weight, reason) over folded text, as REFUSAL's."""

from __future__ import annotations

from engines.patterns import rx

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
        r"\bsans (qu'(il|elle|ils|elles) le (sache|sachent)|son accord|leur accord|son consentement|le lui dire)"),
     3.0, "asks to impersonate someone or use their identity"),
    (rx(r"\b(send|move|transfer|wire|put|redirect|pay)\b.{0,30}\b(the |their |his |her )?(money|funds|payment|cash|"
        r"refund|proceeds)\b"
        r".{0,30}\b(to|into) (my|our) (own|personal|private) account",
        r"\b(vire|envoie|transfere|mets|verse|redirige)\w*\b.{0,40}\b(vers|sur) (mon|notre) (propre )?compte( perso"
        r"| personnel)?\b",
        r"\b(get|make|have) (the |a |our )?(client|customer)s?\b.{0,20}\bsign\b.{0,60}\b(hidden (fees|charges|costs)|"
        r"without (reading|seeing|noticing|understanding))",
        r"\bfaire signer\b.{0,80}\b(frais caches|sans (qu'il|qu'elle) (lise|voie|comprenne))",
        # clients told what is not so: "a note telling clients the fund gained 8%; it actually lost 3%"
        r"\b(draft|write|prepare|send|compose|tell)\w*\b.{0,40}\b(telling|informing|assuring|reassuring|to tell|that "
        r"tells) (the |our |all )?(clients?|customers?|investors?|shareholders?)\b.{0,80}[;,.:—–-]\s*(but )?"
        r"(it|they|we|the fund|the (share )?price)? ?(actually|really|in fact|in reality)\b",
        r"\b(redig|ecri|envo|prepar|di)\w*\b.{0,40}\b(aux|a nos|a tous les) (clients|investisseurs|actionnaires)\b"
        r".{0,80}\b(alors qu'en (realite|fait)|[;,.:—–-]\s*(mais )?en (realite|fait))\b"), 3.0,
     "asks to cheat a customer"),
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
        r"\b(client|customer|user|holder|titulaire)",
        # a whistleblower unmasked: "get me the whistleblower's name from the hotline report"
        r"\b(get|give|find|tell|send|dig up|pull|look up)\w*( me| us)?\b.{0,20}\b(the )?whistle-?blower'?s? (name|"
        r"identity|details)", r"\b(identify|unmask|expose|out|reveal|name)\w*\b.{0,10}\bthe whistle-?blower\b",
        r"\b(trouve|donne|dis|revele|identifie|demasque|retrouve)\w*(-moi)?\b.{0,30}\b(le nom|l'identite)"
        r" (du|de la) lanceu(r|se) d'alerte"), 2.5, "asks to leak personal or internal data"),
]
