"""Forbidden asks on a market (engines.forbidden_asks holds the rest): manipulating a price, a
benchmark or an order book, trading on inside information, and trading ahead of a client's order —
each a (pattern, weight, reason) over folded text, as REFUSAL's; a question on any of them ("How can
we prevent spoofing?", "What counts as inside information under MAR?") is no ask."""

from __future__ import annotations

from engines.patterns import ASKS_EN, ASKS_FR, GAP_EN, GAP_FR, rx

# a first-person ask to manipulate, not one to detect or prevent it ("How can we prevent spoofing?")
MANIPULATION = (rx(r"\b(" + ASKS_EN + r")\b" + GAP_EN + r"\b(spoof(ing)? (the |our |my )?(orders?|bids?|book|market)"
    r"|wash[- ]trad\w* (the |our |my |these |those )?(shares?|stocks?|tokens?|coins?)"
    r"|pump (up |and dump )?(the |our |my )?(price|stock|shares?|token|coin)|ramp (up )?(the )?(price|stock)"
    r"|manipulat\w* (the |a |its |their )?(share |stock |closing |market )?(price|market|stock|rate|benchmark|"
    r"fixing|index)|corner the market|push (up )?the (share |stock )?price)",
    r"\b(push|pump|ramp|drive|prop) (up )?(the )?(share |stock )?price (up )?\b.{0,30}"
    r"\bbefore (i|we) (sell|dump|exit|unload)",
    r"\b(post|spread|plant|leak|start|put out|tweet)\w*\b.{0,60}\b(rumou?rs?|comments?|posts?|messages?|tweets?|"
    r"stor(y|ies))\b.{0,80}\bso (that )?(the )?(stock|shares?|share price|price|token|coin)s? (pops?|jumps?|"
    r"spikes?|rises?|goes up|climbs?|rallies|moons?)",
    r"\b(post|spread|plant|leak|tweet|announce)\w*\b.{0,80}\bso (that )?(the )?(stock|shares?|share price|price)s? "
    r"(pops?|jumps?|spikes?|rises?|goes up|climbs?)\b.{0,20}\bbefore (i|we) (sell|dump|exit|unload)",
    r"\b(publie|poste|fai\w* circuler|lance|repand)\w*\b.{0,60}\b(rumeurs?|commentaires?|messages?|posts?)\b"
    r".{0,80}\bpour (que|qu') (le cours|l'action|le titre|les actions) (monte|grimpe|s'envole|bondisse)",
    r"\b(" + ASKS_FR + r")\b" + GAP_FR + r"\b(manipuler (le |les |un |l')?(cours|marche|prix|indice|taux)"
    r"|faire monter (artificiellement )?le cours|gonfler (artificiellement )?le cours|passer des ordres fictifs)"),
    3.0, "asks to manipulate a market")

# an ask to use it, not a question on it ("What counts as inside information under MAR?")
INSIDE_INFORMATION = (rx(r"\b(" + ASKS_EN + r")\b" + GAP_EN + r"\b(use|using|act on|acting on|trade on|"
    r"trading on|profit from|"
    r"make money (on|from|with)|cash in on|benefit from)\b.{0,25}\b(insider|inside|non-?public) (information|"
    r"info|tip|knowledge)",
    r"\b((i|we) (have|got|received|heard|was given|were given)|(gave|passed|slipped|sent|told) (me|us))\b.{0,20}"
    r"\b(an? |some )?(insider|inside) (info|information|tip)\b.{0,80}\b(buy|sell|trade|short|options|position|"
    r"shares|stock|profit|cash in|make money)",
    r"\bwith (this|that|my|our|an?|the) (insider|inside) (info|information|tip|knowledge)\b.{0,60}"
    r"\b(buy|sell|trade|short|options|position|shares|stock)",
    r"\b(" + ASKS_FR + r")\b" + GAP_FR + r"\b(utiliser|profiter|exploiter|trader|jouer|miser)\w*\b.{0,30}"
    r"\b(informations? privilegiees?|tuyaux?|infos? d'initie)",
    r"\b(j'ai|on a|nous avons|j'ai eu|j'ai recu|on m'a donne)\b.{0,20}\b(une |des |un )?(informations? "
    r"privilegiees?|infos? privilegiees?|tuyaux?)\b.{0,80}\b(achet|vend|bourse|actions|position)",
    r"\b(buy|sell|trade|short|options?|shares|stock)\b.{0,60}\b(before|ahead of) (the )?(news|announcement|deal|"
    r"buyback|merger|takeover) (comes out|is out|is announced|is made public|goes public|breaks)\b",
    r"\b(will|is going to|plans to) announce\b.{0,80}\b(should|can|do) (i|we)\b.{0,30}\b(buy|sell|trade|short)",
    r"\b(va|vont) annoncer\b.{0,80}\b(dois-je|faut-il|devrais-je|puis-je)\b.{0,30}\b(acheter|vendre)",
    # one who knows a bid is coming: "buy the target's shares before the takeover is announced"
    r"\b(buy|sell|short|trade)\b.{0,60}\b(before|ahead of) the (takeover|merger|acquisition|bid|buyout|tender "
    r"offer) (is )?(announce|made public|goes public)",
    r"\b(achet|vend|shorter)\w*\b.{0,60}\bavant (l'annonce|que soit annonce\w*) (de l'opa|de la fusion|du "
    r"rachat|de l'offre|de l'acquisition|de l'ope)",
    r"\b(buy|sell|short|trade|exercise|time)\b.{0,60}\b(before|ahead of) the (news|offer|bid|deal|merger|takeover|"
    r"announcement|results)\b.{0,30}\b(leaks|gets out|is leaked)",
    r"\b(achet|vend|exerc)\w*\b.{0,60}\bavant que (l'offre|la fusion|l'info\w*|la nouvelle|l'opa)\b.{0,30}"
    r"\b(fuite|ne fuite|sorte|soit (rendue )?publique)",
    r"\bbefore (it is|it's|they are|they're|"
    r"the (results|news) (are|is)) (made )?public\b",
    r"\b(leaked|early|advance|non-?public)\b.{0,40}\b(earnings|results|numbers|figures)\b.{0,60}"
    r"\b(trade|buy|sell|position|options)", r"\btrade on (non-?public|inside)",
    r"\b(friend|contact|someone|source|cousin|brother|sister|colleague|buddy)\b.{0,40}\b(told|tipped|"
    r"said|let slip|mentioned|informed)\b.{0,60}\b(merger|acquisition|takeover|buyout|bid|deal|earnings|"
    r"results|acquired|bought out|taken over|merging)\b.{0,80}\b(buy|sell|trade|short|stock|shares|options|"
    r"position)",
    r"\b(ami|amie|contact|quelqu'un|cousin|frere|soeur|collegue|pote)\b.{0,40}\b(m'a (dit|confie|"
    r"informe|prevenu|souffle|appris))\b.{0,60}\b(fusion\w*|rachat|rachete\w*|acquisition|acquise?|opa|offre|"
    r"resultats)\b.{0,80}\b(achet|vend|actions|bourse|position)",
    # an insider trading ahead of the firm's own figures: "buy my own company's shares before our results"
    r"\b(buy|sell|short)\b.{0,60}\b(before|ahead of) (our|my company's|the company's|my firm's) (results|earnings|"
    r"figures|announcement)",
    r"\b(achet|vend)\w*\b.{0,60}\b(ma propre|notre|mon entreprise|ma societe)\b.{0,40}\bavant (nos|la publication "
    r"de nos|l'annonce de nos) (resultats|comptes|chiffres)",
    r"\bavant (leur |sa |la )?publication\b.{0,60}"
    r"\b(profit|achet|vend|bourse|trad)",
    # "…vendre mes actions avant la publication du rapport… que j'ai lu ce matin", "…before the report I've seen"
    r"\b(achet|vend|ced)\w*\b.{0,40}\bavant (la publication|l'annonce|la sortie)\b.{0,80}\b(que|dont) (j'ai|nous "
    r"avons|on a) (deja )?(lu|vu|eu|recu|eu connaissance)",
    # …through someone else: "…à un ami avant la publication des résultats pour qu'il les revende à ma place"
    r"\b(avant|before|ahead of)\b.{0,40}\b(publication|annonce|results|announcement|release|resultats)\b.{0,60}"
    r"\b(a ma place|pour mon compte|on my behalf|in my place|for my account)\b",
    r"\b(buy|sell|short|dump)\b.{0,40}\b(before|ahead of) (the|its|their)\b.{0,60}\b(is|are|gets?) (published|"
    r"released|out)\b.{0,40}\b(i've|i have|we've|we have|i) (already )?(seen|read|got)\b"), 3.0,
    "asks to trade on inside information")

# one's own account, not the desk's: "in my personal account", "sur mon compte perso" (not "hedge our book")
_OWN_EN = r"(my (own |personal |private |pa )?|our (own|personal|private|pa) )(account|book|portfolio)"
_OWN_FR = r"(mon (propre )?(compte|portefeuille)|notre propre (compte|portefeuille)|(compte|portefeuille) (perso|" \
    r"personnel|propre))"
# one's own trade put before a client's order: "Before the pension fund's big order goes out, buy the same stock in
# my personal account"; not "What controls stop staff from front-running large client orders?"
FRONT_RUNNING = (rx(
    r"\b(before|ahead of)\b.{0,40}\b(orders?|trades?|block)\b.{0,40}\b(buy|sell|short|trade|put|place)\w*\b.{0,60}"
    r"\b" + _OWN_EN,
    r"\b(buy|sell|short|trade|put|place)\w*\b.{0,60}\b" + _OWN_EN + r"\b.{0,40}\b(before|ahead of)\b.{0,40}"
    r"\b(client'?s?|customer'?s?|fund'?s?|their|the) .{0,20}\borders?\b",
    r"\bavant (que |qu')?(l'ordre|les ordres|le gros ordre|la grosse transaction)\b.{0,60}\b(achete|vends|passe|"
    r"prends|place|mets)\w*\b.{0,60}\b" + _OWN_FR,
    r"\b(achete|vends|passe|prends|place|mets)\w*\b.{0,60}\b" + _OWN_FR + r"\b.{0,40}\bavant (que |qu')?(l'ordre|"
    r"les ordres)"),
    3.0, "asks to trade ahead of a client's order")
