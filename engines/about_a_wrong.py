"""What a question about a wrong looks like, as against an ask to commit one (engines.router).

ABOUT_A_WRONG is a question's framing — how others do it, what it is or costs, whether it is
allowed, how to detect it, what to do when a customer asks for it — which excuses the words of a
wrong (engines.forbidden_asks) unless DOING, an ask to act, is there too. Both see folded text.
"""

from __future__ import annotations

from engines.patterns import rx

# A question about a wrong, asked to understand, teach or handle it: how others commit it, what it
# is, what it costs, whether it is allowed, what to do when a customer asks for it.
_OTHERS = r"(the )?(criminals?|fraudsters?|scammers?|(money )?launderers?|terrorists?|insiders?|employees?|staff|" \
    r"customers?|clients?|people|firms?|companies|banks?|traders?|they|someone|somebody|bad actors?|criminal " \
    r"(groups?|networks?)|gangs?|cartels?|kleptocrats?|mules?|sanctioned (\w+ )?(countries|states|entities|firms))"
ABOUT_A_WRONG = rx(
    r"\bhow (do|does|did|can|could|would|might|are|is) (rogue |corrupt |dishonest |unscrupulous |some )?" + _OTHERS
    + r"\b",
    r"\bhow (does|do|did) (a|an|the|this|these) [^.?!]{0,50}\bwork\b",
    r"\bwhat (is|are) (the )?(penalt|sanction|fine|punishment|consequence|legal|offen[cs]e|difference|definition|"
    r"meaning|rules?|signs?|red flags?|typolog|techniques|methods|risks? of)\w*",
    r"\bwhat (is|are) (a |an )?(structuring|smurfing|layering|money laundering|window dressing|[\w-]+ fraud|"
    r"money mules?|[\w-]+ scheme)\b",
    r"\bwhat (happens|happened) (if|when|to)\b", r"\bwhat are the (consequences|risks|penalties)\b",
    r"\bhow (can|do|should|could) (we|i|banks?|the bank|a bank|analysts?|auditors?|compliance) (best )?(detect|spot|"
    r"identify|prevent|stop|catch|monitor|flag|recogni[sz]e|find|investigate|tell)\b",
    r"\b(we|our \w+|the bank|audit|auditors|compliance|the regulator) (found|discovered|identified|uncovered|"
    r"detected|noticed|caught)\b",
    r"\bcomment (detecter|reperer|identifier|prevenir|empecher|lutter|surveiller)",
    # "Quels contrôles permettent de repérer de fausses factures ?", "What checks help spot fake invoices?"
    r"\bquel(le)?s? (controles?|outils?|indicateurs?|moyens?|verifications?|procedures?|signaux) (permet\w*|aide\w*|"
    r"ser\w*) (a |de |d')?(detecter|reperer|identifier|prevenir|empecher)",
    r"\bwhat (controls?|checks?|tools?|procedures?|indicators?|tests?) (help|helps|can|could|would|will|do|does)"
    r"( \w+)? (detect|spot|catch|prevent|identify|flag|find)",
    r"\bcomment (peut-on|pouvons-nous|la banque peut-elle|les banques peuvent-elles) (detecter|reperer|identifier|"
    r"prevenir|empecher|surveiller)",
    r"\bque se passe-t-il (si|quand|lorsque)\b",
    r"\bwhy (is|are|do|does)\b", r"\b(can|may|must|could) (a|the|any) (bank|firm|company|institution|broker|lender|"
    r"insurer|employer)\b", r"\b(une|la) (banque|entreprise|societe|institution) (peut|doit)-elle\b",
    r"\b(is it|is this|are they|would it be) (legal|illegal|allowed|permitted|lawful|"
    r"an offen[cs]e|a crime)\b",
    r"\bwhat should (we|i|the bank|a bank|the analyst) do\b", r"\bhow (should|do|can) (we|i|the bank|a bank|banks) "
    r"(respond|react|handle|deal with|treat|reply|answer)\b",
    r"\b(for|in) (our|a|the) (training|awareness|course|workshop|presentation|deck|module)",
    r"\bcomment (les|des|un|une|le|la) [\w'-]+ (\w+ )?(utilisent|font|procedent|operent|blanchissent|contournent|"
    r"fonctionnent|s'y prennent|recrutent)", r"\bcomment fonctionne",
    # "Comment les fraudeurs cachent-ils des pertes… ?": what others do, asked
    r"\bcomment (les|des|certains|certaines) [\w'-]+ (\w+ )?\w+ent-(ils|elles)\b", r"\bqu'est-ce (que|qu'|qui)",
    r"\bquel(le)?s? (est|sont) (la |les |le |l')?(peines?|sanctions?|amendes?|difference|definition|regles?|signes|"
    r"signaux|techniques|methodes|typologies|risques)", r"\bpourquoi\b",
    r"\b(est-il|est-ce) (legal|illegal|interdit|autorise|permis)\b",
    r"\b(que faire|comment (reagir|repondre|traiter|gerer)|que doit faire)\b",
    r"\b(observe|releve|decrit|identifie)\w* par (le |la |l')?(gafi|fatf|tracfin|acpr|amf|eba|fincen)",
    r"\b(pour|dans) (notre|une|la) (formation|sensibilisation|presentation)")
# A first-person ask to act, which a question's framing does not excuse ("What is the best way to
# launder money?", "How do criminals do it? Show me how")
DOING = rx(r"\bhow (do|can|could|would) (i|we)\b(?! (respond|react|handle|deal|treat|reply|answer|report|escalate|"
           r"detect|spot|prevent|stop))",
           r"\bhow should (i|we)\b(?! (respond|react|handle|deal|treat|reply|answer|report|escalate|proceed))",
           r"\b(help (me|us)|show (me|us)|teach (me|us)|tell me how|walk me through|i want to|we want to|"
           r"i need to|we need to|i'd like to|i would like to|let's|is there (a|any) way|any way to|"
           r"(best|easiest|safest|quickest|cheapest|simplest) way|can you (write|draft|make|create|prepare|produce|"
           r"give me)|what (do|would) you (suggest|recommend|advise))\b",
           # an order: "Route it through Kazakhstan so compliance doesn't notice; what's the risk?"
           r"(^|[.;:!?]\s*)(route|move|send|wire|split|book|record|draft|write|make|create|forge|fake|hide|"
           r"set up|open|transfer|structure|prepare|change|delete|remove|mark|find me|get me|give me|fais|redige|"
           r"ecris|cree|cache|envoie|vire|decoupe|ouvre|supprime|efface|marque|trouve-moi|donne-moi)\b",
           # "...anyway, draft one for me"
           r"\b(draft|write|make|create|prepare|produce|do)\b.{0,12}\bfor (me|us)\b",
           r"\b(redige|ecris|fais|prepare|fabrique)[- ]?(moi|nous|la|le|les|en)?\b.{0,12}\b(pour (moi|nous))\b",
           r"\b(aide[- ]moi|aidez[- ]nous|je veux|on veut|je voudrais|tu me conseilles|vous me conseillez|"
           r"comment (je|j'|puis-je|pourrais-je|faire pour|"
           r"on peut|peut-on|pouvons-nous)|explique[- ]moi comment|dis[- ]moi comment|montre[- ]moi|un moyen de|"
           r"la meilleure (facon|methode|maniere))")
