import type { Copy } from '../copy.ts'

// Dutch addresses the reader as "u" throughout, as Microsoft's Dutch help does; the reset's words
// are Microsoft's ("Wachtwoord opnieuw instellen", "globale beheerder", "wachtwoordbeheerder").

// Named once: the mails name these menus and buttons exactly as the pages show them.
const navRequests = 'Verzoeken om wachtwoordherstel'
const navAccount = 'Account'
const showPassword = 'Wachtwoord tonen'
const navApprovals = 'Goedkeuringen'
const showNewPassword = 'Nieuw wachtwoord tonen'

export const nl = {
  appName: 'oncepass',
  languageName: 'Nederlands',
  language: 'Taal',
  skipToContent: 'Naar de inhoud',
  mainNav: 'Hoofdmenu',
  menu: 'Menu',
  navUsers: 'Gebruikers',
  navRequests,
  navAudit: 'Auditlogboek',
  navOutbox: 'Meldingen',
  navApps: 'Toepassingen',
  outbox: {
    title: 'Meldingen',
    noMail:
      'Er is geen e-mailserver ingesteld: meldingen worden niet verzonden en wachten hier tot u ze leest.',
    empty: 'Nog geen meldingen.',
    created: 'Aangemaakt',
    recipient: 'Ontvanger',
    kind: 'Onderwerp',
    state: 'Verzonden',
    waiting: (attempts: number) => (attempts ? `nog niet (${attempts} pogingen)` : 'nog niet'),
    lastError: (reason: string) => `Laatste poging: ${reason}`,
    otherKind: 'Een andere melding',
    kinds: {
      password_reset_by_admin: 'Een beheerder heeft het wachtwoord opnieuw ingesteld',
      password_changed: 'Het wachtwoord is gewijzigd',
      forgot_password_request: 'Een verzoek om wachtwoordherstel',
      mfa_enrolled: 'Verificatie in twee stappen is ingeschakeld',
      mfa_disabled: 'Verificatie in twee stappen is uitgeschakeld',
      mfa_reset_by_admin: 'Een beheerder heeft verificatie in twee stappen verwijderd',
      mfa_code_replayed: 'Een verificatiecode is twee keer gebruikt',
      reveal_link: 'Een eenmalige link naar een nieuw wachtwoord',
      backchannel_logout: 'Een toepassing is gemeld dat de gebruiker is afgemeld',
      caller_verification_code: 'Een code om de identiteit van de gebruiker te bevestigen',
      caller_verification_started:
        'Een beheerder is de identiteit van de gebruiker gaan controleren',
      caller_verification_succeeded:
        'De identiteit van de gebruiker is aan een beheerder bevestigd',
      caller_verification_overridden: 'Een wachtwoordherstel zonder identiteitscontrole',
      approval_requested: 'Het opnieuw instellen voor een beheerder wacht op goedkeuring',
      approval_decided: 'Er is over een goedkeuringsaanvraag beslist',
      signed_out_by_admin: 'Een beheerder heeft de gebruiker afgemeld bij alle sessies',
      sign_in_blocked: 'Een beheerder heeft aanmelden geblokkeerd',
      sign_in_unblocked: 'Een beheerder heeft de blokkering van aanmelden opgeheven',
    },
  },
  navAccount,
  signOut: 'Afmelden',
  signedInAs: 'Aangemeld als',
  signInTitle: 'Aanmelden',
  email: 'E-mail',
  password: 'Wachtwoord',
  signIn: 'Aanmelden',
  forgotPassword: 'Wachtwoord vergeten?',
  invalidCredentials: 'Het e-mailadres of wachtwoord is onjuist.',
  tooManyAttempts: (wait) => `Te veel pogingen. Probeer het over ${wait} opnieuw.`,
  temporaryExpired:
    'Dit tijdelijke wachtwoord is verlopen. Vraag een beheerder om een nieuw wachtwoord of gebruik "Wachtwoord vergeten?".',
  changeTitle: 'Een nieuw wachtwoord instellen',
  changeIntro:
    'Een beheerder heeft uw wachtwoord ingesteld. Kies uw eigen wachtwoord voordat u verdergaat.',
  newPassword: 'Nieuw wachtwoord',
  currentPassword: 'Huidig wachtwoord',
  changePassword: 'Wachtwoord wijzigen',
  policyHeading: 'Uw nieuwe wachtwoord moet',
  policyLength: (min, max) => `${min} tot ${max} tekens lang zijn`,
  policyCommon: 'geen veelgebruikt wachtwoord zijn',
  policyEmail: 'de naam uit uw e-mailadres niet bevatten',
  policyService: 'niet alleen de naam oncepass met cijfers of tekens erbij zijn',
  policyTemporary: 'verschillen van het tijdelijke wachtwoord',
  policyHistory: (n) => `geen van uw laatste ${n} wachtwoorden zijn`,
  policyProblems: 'Los dit eerst op:',
  violation: {
    TOO_SHORT: (min) => `Gebruik minstens ${min} tekens.`,
    TOO_LONG: (max) => `Gebruik hoogstens ${max} tekens.`,
    COMMON_PASSWORD: 'Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden.',
    CONTAINS_EMAIL: 'Het wachtwoord mag de naam uit uw e-mailadres niet bevatten.',
    CONTAINS_SERVICE_NAME:
      'Het wachtwoord moet meer zijn dan de naam van deze dienst met cijfers of tekens erbij.',
    SAME_AS_TEMPORARY: 'Het nieuwe wachtwoord moet verschillen van het tijdelijke wachtwoord.',
    RECENTLY_USED: 'Dit wachtwoord is onlangs gebruikt; kies een ander.',
  },
  challengeExpired:
    'Deze aanmeldstap is verlopen. Meld u opnieuw aan met uw tijdelijke wachtwoord.',
  mfaTitle: 'Verificatie in twee stappen',
  mfaIntro: 'Voer de code uit uw authenticator-app of een van uw herstelcodes in.',
  verificationCode: 'Verificatiecode',
  codeToTurnOff: 'Code uit uw authenticator-app',
  verify: 'Verifiëren',
  invalidCode: 'Deze code is niet geldig.',
  mfaExpired: 'Deze aanmeldstap is verlopen. Meld u opnieuw aan.',
  showPassword,
  hidePassword: 'Wachtwoord verbergen',
  forgotTitle: 'Wachtwoord vergeten?',
  forgotIntro:
    'Vul uw e-mailadres in. Een beheerder van uw organisatie ziet uw verzoek en geeft u een tijdelijk wachtwoord.',
  sendRequest: 'Verzoek verzenden',
  forgotDone:
    'Bedankt. Als er een account met dit e-mailadres bestaat, is uw beheerders gevraagd het wachtwoord opnieuw in te stellen.',
  backToSignIn: 'Terug naar aanmelden',
  usersTitle: 'Gebruikers',
  search: 'Zoeken',
  searchLabel: 'Zoeken op e-mailadres of naam',
  addUser: 'Gebruiker toevoegen',
  displayName: 'Weergavenaam',
  name: 'Naam',
  role: 'Rol',
  passwordState: 'Wachtwoord',
  actions: 'Acties',
  roles: {
    global_admin: 'Globale beheerder',
    password_admin: 'Wachtwoordbeheerder',
    user: 'Gebruiker',
  },
  mustChange: 'Moet het wachtwoord wijzigen bij de volgende aanmelding',
  temporaryExpires: (at) => `Tijdelijk wachtwoord verloopt op ${at}`,
  lastReset: (by, at) => `Laatst opnieuw ingesteld door ${by}, ${at}`,
  byOperator: 'de systeembeheerder (opdrachtregel)',
  byYou: 'u',
  byAdmin: 'een beheerder',
  passwordSet: 'Door de gebruiker ingesteld',
  resetPasswordFor: (email) => `Wachtwoord opnieuw instellen voor ${email}`,
  noUsers: 'Geen gebruikers gevonden.',
  nextPage: 'Volgende pagina',
  firstPage: 'Eerste pagina',
  previousPage: 'Vorige pagina',
  userFilters: {
    anyRole: 'Alle rollen',
    any: 'Alle',
    on: 'Aan',
    off: 'Uit',
    sortBy: 'Sorteren op',
    clear: 'Zoekopdracht en filters wissen',
    total: (n, count) => (n === 1 ? '1 gebruiker' : `${count} gebruikers`),
    found: (n, count) => (n === 1 ? '1 gebruiker gevonden' : `${count} gebruikers gevonden`),
    moreThan: (count) => `Meer dan ${count} gebruikers`,
    pages: "Pagina's met gebruikers",
  },
  resetNotOffered: {
    CANNOT_RESET_SELF: `Uw eigen account: wijzig uw wachtwoord onder ${navAccount}`,
    FORBIDDEN_ROLE: 'Alleen een globale beheerder kan dit wachtwoord opnieuw instellen',
  },
  create: 'Gebruiker toevoegen',
  emailTaken: 'Er bestaat al een gebruiker met dit e-mailadres.',
  userAddedTitle: 'Gebruiker toegevoegd',
  resetTitle: 'Wachtwoord opnieuw instellen',
  passwordChoice: 'Hoe het wachtwoord wordt ingesteld',
  autoPassword: 'Wachtwoord automatisch genereren',
  customPassword: 'Zelf een wachtwoord aanmaken',
  requireChange: 'Vereisen dat deze gebruiker het wachtwoord wijzigt bij de eerste aanmelding',
  requireChangeFixed:
    'In deze installatie moet elk wachtwoord dat een beheerder instelt, worden gewijzigd.',
  delivery: 'Bezorging',
  deliverDisplay: 'Het wachtwoord op het scherm weergeven',
  deliverLink: 'Een eenmalige link verzenden',
  recipients: 'Ontvangers',
  linkUnavailable:
    'Voor het verzenden van een link is een e-mailserver nodig, maar die is nog niet ingesteld.',
  linkHowToEnable:
    'Als u het wachtwoord liever als eenmalige link verzendt, stelt u e-mail in: ONCEPASS_SMTP_URL op een server of een send_email-binding in wrangler.toml op Cloudflare Workers.',
  recipientsHint:
    "Maximaal vijf adressen, gescheiden door komma's. Elk adres krijgt een eigen eenmalige link.",
  recipientsInvalid: "Vul één tot vijf geldige e-mailadressen in, gescheiden door komma's.",
  linksSentTo: 'Een eenmalige link is verzonden naar',
  linksFailed: 'De e-mail kon niet worden verzonden naar',
  linksNoPassword:
    'U ziet het wachtwoord niet: wie als eerste een link opent, ziet het één keer, en daarna werkt geen enkele link meer.',
  linkExpires: (when: string) =>
    `De links verlopen samen met het tijdelijke wachtwoord, op ${when}.`,
  linkOpenedAt: 'Link geopend',
  linkNotOpened: 'nog niet geopend',
  sendNewLink: 'Een nieuwe link verzenden',
  resetPassword: 'Wachtwoord opnieuw instellen',
  resetDoneTitle: 'Het wachtwoord is opnieuw ingesteld',
  temporaryPassword: 'Tijdelijk wachtwoord',
  copy: 'Kopiëren',
  copied: 'Gekopieerd',
  expires: (at) => `Verloopt op ${at}.`,
  notShownAgain:
    'Dit wachtwoord wordt niet opnieuw weergegeven. Kopieer het nu en geef het op een veilige manier aan de gebruiker.',
  mustChangeNote: 'De gebruiker moet bij de eerste aanmelding een nieuw wachtwoord kiezen.',
  sessionsEnded: (n) =>
    n === 0
      ? 'De gebruiker was nergens aangemeld.'
      : `De gebruiker is afgemeld bij ${n === 1 ? '1 open sessie' : `${n} open sessies`}.`,
  alreadyResetTitle: 'Het wachtwoord is al opnieuw ingesteld',
  alreadyReset:
    'Met dit formulier is het wachtwoord al opnieuw ingesteld. Er is dus geen nieuw wachtwoord gemaakt en het wachtwoord wordt niet opnieuw weergegeven.',
  viewStatus: 'Status van het wachtwoordherstel bekijken',
  backToUsers: 'Terug naar gebruikers',
  cannotReset: 'Uw rol staat niet toe dat u het wachtwoord van deze gebruiker opnieuw instelt.',
  cannotResetSelf: `Wijzig uw eigen wachtwoord op de pagina ${navAccount}.`,
  permanentNotAllowed:
    'Deze installatie staat geen permanente wachtwoorden toe die een beheerder instelt.',
  rateLimited:
    'Er zijn zojuist te veel wachtwoorden opnieuw ingesteld. Wacht een minuut en probeer het opnieuw.',
  userDetail: 'Gebruikersgegevens',
  resetStatus: 'Laatste wachtwoordherstel',
  statuses: {
    none: 'Nog niet opnieuw ingesteld',
    pending: 'In afwachting: nog niet gebruikt',
    used: 'Gebruikt: de gebruiker heeft een nieuw wachtwoord',
    expired: 'Verlopen zonder gebruik',
    superseded: 'Vervangen door een nieuwer wachtwoordherstel',
  },
  issuedAt: 'Uitgegeven',
  issuedBy: 'Uitgegeven door',
  expiresLabel: 'Verloopt op',
  usedAt: 'Gebruikt',
  auditTrail: 'Audittrail',
  helpdesk: {
    title: 'Identiteit controleren',
    verifyIdentity: 'Identiteit controleren',
    intro:
      'Controleer voordat u iets opnieuw instelt voor iemand die belt of het echt die persoon is: de beller leest een code voor uit de authenticator-app, of een code die naar het bekende e-mailadres is gestuurd.',
    methods: 'Hoe controleren',
    methodTotp: 'Code uit de authenticator-app van de gebruiker',
    methodEmail: 'Een code per e-mail verzenden',
    noTotp: 'Deze gebruiker heeft geen authenticator-app ingesteld.',
    noMail:
      'Voor het verzenden van een code is een e-mailserver nodig, en die is nog niet ingesteld.',
    noMethod:
      'Deze gebruiker kan hier niet worden gecontroleerd: er is geen authenticator-app en geen e-mailserver ingesteld.',
    notVerified: 'Niet gecontroleerd',
    verifiedByYou: (at: string, method: string) =>
      `Identiteit door u gecontroleerd om ${at}, ${method}`,
    methodNames: { totp: 'authenticator-app', email: 'code per e-mail' },
    timeLeft: (n: number) => (n === 1 ? 'nog 1 minuut geldig' : `nog ${n} minuten geldig`),
    scope: 'Dit geldt alleen voor u en deze gebruiker, en de volgende herstelactie verbruikt het.',
    required:
      'Deze organisatie vereist voor elke herstelactie een gecontroleerde beller of een schriftelijke reden.',
    codeIntroTotp:
      'Vraag de beller de authenticator-app te openen en de code van 6 cijfers voor oncepass voor te lezen.',
    codeIntroEmail: (email: string) =>
      `Er is een code van 6 cijfers naar ${email} gestuurd. Vraag de beller die voor te lezen.`,
    codeUntil: (at: string) => `Voer de code in vóór ${at}.`,
    checkCode: 'Code controleren',
    wrongCode: (left: number) =>
      `Die code klopt niet. ${left === 1 ? 'Nog 1 poging' : `Nog ${left} pogingen`}.`,
    gone: 'Deze controle is beëindigd: de code is verlopen, te vaak verkeerd ingevoerd of vervangen door een nieuwere controle. Begin opnieuw.',
    verified: 'Identiteit gecontroleerd.',
    backToUser: 'Terug naar de gebruiker',
    overrideLabel: 'Reden om zonder controle opnieuw in te stellen',
    overrideHint:
      'Minstens 10 tekens. De reden wordt in het auditlogboek vastgelegd en alle andere globale beheerders krijgen bericht.',
    coverLabel: 'Identiteitscontrole',
    coverVerified: (by: string, at: string, method: string) =>
      `Gecontroleerd door ${by} om ${at}, ${method}`,
    coverOverride: (by: string, reason: string) =>
      `Niet gecontroleerd: ${by} gaf als reden “${reason}”`,
    coverNone: 'Niet gecontroleerd',
    approvedBy: 'Goedgekeurd door',
    approvedByAt: (by: string, at: string) => `${by}, ${at}`,
  },
  approvals: {
    nav: navApprovals,
    waitingCount: (n: number) => `${n} wachtend`,
    title: navApprovals,
    intro:
      'Het opnieuw instellen van het wachtwoord of de verificatie in twee stappen van een beheerder wacht hier tot een andere globale beheerder het goedkeurt of weigert.',
    waiting: 'Wacht op een beslissing',
    others: 'Beslist of beëindigd',
    none: 'Geen aanvragen.',
    openRequest: (email: string) => `Aanvraag voor ${email}`,
    user: 'Gebruiker',
    action: 'Wat',
    requestedBy: 'Aangevraagd door',
    requestedAt: 'Aangevraagd',
    expiresAt: 'Verloopt',
    status: 'Status',
    actions: {
      password_reset: 'Wachtwoord opnieuw instellen',
      mfa_reset: 'Verificatie in twee stappen opnieuw instellen',
    },
    statuses: {
      pending: 'Wacht op een beslissing',
      approved: 'Goedgekeurd: wacht om getoond te worden',
      denied: 'Geweigerd',
      cancelled: 'Geannuleerd',
      expired: 'Verlopen',
      executed: 'Uitgevoerd',
    },
    requestTitle: 'Goedkeuringsaanvraag',
    delivery: 'Levering',
    deliveryDisplay: 'Eén keer op het scherm getoond, aan de beheerder die het aanvroeg',
    deliveryLink: (recipients: string) => `Eenmalige links naar ${recipients}`,
    mustChange: 'Moet het wachtwoord wijzigen bij de volgende aanmelding',
    yes: 'Ja',
    no: 'Nee',
    decidedBy: 'Beslist door',
    reason: 'Reden',
    approve: 'Goedkeuren',
    deny: 'Weigeren',
    denyReason: 'Reden voor weigeren',
    denyHint: 'De beheerder die het aanvroeg, krijgt deze reden te zien.',
    cancel: 'Aanvraag annuleren',
    showPassword: showNewPassword,
    showWithin: (at: string) =>
      `Goedgekeurd. U kunt het nieuwe wachtwoord één keer tonen, tot ${at}.`,
    waitingForRequester: (at: string) =>
      `Goedgekeurd. De beheerder die het aanvroeg, kan het nieuwe wachtwoord tonen tot ${at}.`,
    notEligible:
      'Een andere globale beheerder beslist over deze aanvraag: u hebt hem zelf ingediend, of hij gaat over u.',
    approvedDone: 'Goedgekeurd. Het opnieuw instellen is uitgevoerd.',
    approvedWaits:
      'Goedgekeurd. De beheerder die het aanvroeg, heeft bericht gekregen om het wachtwoord binnen een uur te tonen.',
    deniedDone: 'Geweigerd. De beheerder die het aanvroeg, heeft bericht gekregen.',
    cancelledDone: 'De aanvraag is geannuleerd.',
    requestedTitle: 'Wacht op goedkeuring',
    requested: (email: string, until: string) =>
      `Voor het opnieuw instellen van ${email} is de goedkeuring van een andere globale beheerder nodig. De aanvraag wacht tot ${until}, en de andere globale beheerders hebben bericht gekregen.`,
    alreadyRequested:
      'Er wachtte al een aanvraag voor deze gebruiker; die aanvraag blijft staan zoals ze is ingediend.',
    viewRequest: 'Aanvraag bekijken',
    paneNotice:
      'Voor het opnieuw instellen van een beheerder is de goedkeuring van een andere globale beheerder nodig. Uw aanvraag wacht maximaal 24 uur, en het wachtwoord wordt gegenereerd wanneer ze wordt uitgevoerd.',
    customUnavailable:
      'Bij een herstelactie die op goedkeuring wacht, wordt het wachtwoord gegenereerd.',
  },
  requestsTitle: navRequests,
  requestedAt: 'Aangevraagd',
  noRequests: 'Geen openstaande verzoeken.',
  dismiss: 'Sluiten',
  dismissRequestOf: (email) => `Het verzoek van ${email} sluiten`,
  openRequests: (count, more) => (more ? `meer dan ${count} open` : `${count} open`),
  requestDismissed:
    'Het verzoek is gesloten en staat niet meer in de wachtrij. Er is geen wachtwoord gewijzigd.',
  auditTitle: 'Auditlogboek',
  auditFilters: {
    repeated: (n, last) => `${n} keer in totaal, de laatste keer op ${last}`,
    email: 'E-mailadres van een gebruiker (door of over)',
    event: 'Gebeurtenis',
    anyEvent: 'Alle gebeurtenissen',
    from: 'Van',
    to: 'Tot en met',
    clear: 'Filters wissen',
    unknownEmail: 'Geen gebruiker van uw organisatie heeft dit e-mailadres.',
    happened: 'Wat er is gebeurd',
  },
  filter: 'Filteren',
  when: 'Wanneer',
  event: 'Gebeurtenis',
  actor: 'Uitgevoerd door',
  target: 'Doel',
  outcome: 'Resultaat',
  reason: 'Reden',
  ip: 'IP-adres',
  noEvents: 'Geen gebeurtenissen.',
  audit: {
    events: {
      tenant_created: 'Organisatie ingericht',
      user_created: 'Gebruiker toegevoegd',
      password_reset_issued: 'Wachtwoord opnieuw ingesteld',
      password_reset_denied: 'Opnieuw instellen van wachtwoord geweigerd',
      password_reset_expired_use: 'Aanmelding met een verlopen tijdelijk wachtwoord',
      authn_login_success: 'Aangemeld',
      authn_login_fail: 'Aanmelden mislukt',
      authn_login_lock: 'Aanmelden geblokkeerd na herhaalde mislukte pogingen',
      authn_password_change_required: 'Aangemeld met een wachtwoord dat moet worden gewijzigd',
      authn_password_change: 'Wachtwoordwijziging',
      authn_token_revoked: 'Sessies beëindigd',
      authn_token_reuse: 'Een gebruikt token of gebruikte code opnieuw aangeboden',
      access_denied: 'Beheerpagina of -actie geweigerd',
      password_reset_requested: 'Verzoek om wachtwoordherstel',
      reveal_opened: 'Eenmalige link geopend',
      reveal_denied: 'Eenmalige link geweigerd',
      reveal_mail_failed: 'Eenmalige link niet verzonden',
      mfa_enrollment_started: 'Instellen van verificatie in twee stappen gestart',
      mfa_enrolled: 'Verificatie in twee stappen ingeschakeld',
      mfa_disabled: 'Verificatie in twee stappen uitgeschakeld',
      mfa_reset: 'Verificatie in twee stappen opnieuw ingesteld door een beheerder',
      mfa_reset_denied: 'Opnieuw instellen van verificatie in twee stappen geweigerd',
      authn_mfa_required: 'Wachtwoord geaccepteerd, verificatiecode gevraagd',
      authn_mfa_fail: 'Verificatie in twee stappen mislukt',
      authn_mfa_step_up: 'Opnieuw geverifieerd met de authenticator-app',
      caller_verification_started: 'Identiteitscontrole gestart',
      caller_verification_failed: 'Identiteitscontrole: verkeerde code',
      caller_verification_verified: 'Identiteit gecontroleerd',
      caller_verification_expired: 'Identiteitscontrole ongebruikt beëindigd',
      caller_verification_used: 'Identiteitscontrole gebruikt voor een herstelactie',
      caller_verification_overridden: 'Opnieuw ingesteld zonder identiteitscontrole',
      approval_requested: 'Goedkeuring aangevraagd',
      approval_approved: 'Goedgekeurd',
      approval_denied: 'Goedkeuring geweigerd',
      approval_cancelled: 'Goedkeuringsaanvraag geannuleerd',
      approval_expired: 'Goedkeuringsaanvraag verlopen',
      approval_executed: 'Goedgekeurde herstelactie uitgevoerd',
      approval_decision_refused: 'Beslissing over goedkeuring geweigerd',
      app_registered: 'Er is een toepassing toegevoegd',
      app_removed: 'Er is een toepassing verwijderd',
      app_secret_rotated: 'Een toepassing heeft een nieuw geheim gekregen',
      app_sign_in: 'Aangemeld bij een toepassing',
      user_blocked: 'Aanmelden geblokkeerd',
      user_unblocked: 'Blokkering van aanmelden opgeheven',
      user_block_denied: 'Blokkeren van aanmelden geweigerd',
      user_unblock_denied: 'Opheffen van blokkering van aanmelden geweigerd',
      user_sign_out_denied: 'Afmelden bij alle sessies geweigerd',
      password_reset_request_dismissed: 'Verzoek om wachtwoordherstel gesloten',
      password_reset_request_dismiss_denied: 'Sluiten van verzoek om wachtwoordherstel geweigerd',
    },
    sentences: {
      tenant_created: () => 'De organisatie is ingericht',
      user_created: (actor, user) => `${actor} heeft ${user} toegevoegd`,
      password_reset_issued: (actor, user) =>
        `${actor} heeft het wachtwoord van ${user} opnieuw ingesteld`,
      password_reset_denied: (actor, user) =>
        `${actor} mocht het wachtwoord van ${user} niet opnieuw instellen`,
      password_reset_expired_use: (_, user) =>
        `${user} probeerde zich aan te melden met een verlopen tijdelijk wachtwoord`,
      authn_login_success: (_, user) => `${user} heeft zich aangemeld`,
      authn_login_fail: (_, user) => `Aanmelden als ${user} is mislukt`,
      authn_login_lock: (_, user) =>
        `Aanmelden als ${user} is geblokkeerd na herhaalde mislukte pogingen`,
      authn_password_change_required: (_, user) =>
        `${user} heeft zich aangemeld met een tijdelijk wachtwoord en moest een nieuw wachtwoord kiezen`,
      authn_password_change: (_, user) => `${user} heeft een nieuw wachtwoord gekozen`,
      authn_token_revoked: (_, user) => `De sessies van ${user} zijn beëindigd`,
      authn_token_reuse: (_, user) =>
        `Een gebruikt token of een gebruikte code van ${user} is opnieuw aangeboden`,
      password_reset_requested: (_, user) => `Er is om een nieuw wachtwoord gevraagd voor ${user}`,
      reveal_opened: (_, user) => `Een eenmalige link met het wachtwoord van ${user} is geopend`,
      reveal_denied: (_, user) => `Een eenmalige link voor ${user} is geweigerd`,
      reveal_mail_failed: (_, user) => `Een eenmalige link voor ${user} kon niet worden verzonden`,
      mfa_enrollment_started: (_, user) =>
        `${user} is begonnen met het instellen van verificatie in twee stappen`,
      mfa_enrolled: (_, user) => `${user} heeft verificatie in twee stappen ingeschakeld`,
      mfa_disabled: (_, user) => `${user} heeft verificatie in twee stappen uitgeschakeld`,
      mfa_reset: (actor, user) =>
        `${actor} heeft de verificatie in twee stappen van ${user} opnieuw ingesteld`,
      mfa_reset_denied: (actor, user) =>
        `${actor} mocht de verificatie in twee stappen van ${user} niet opnieuw instellen`,
      authn_mfa_required: (_, user) =>
        `${user} heeft het juiste wachtwoord ingevoerd en moest een verificatiecode invoeren`,
      authn_mfa_fail: (_, user) => `Verificatie in twee stappen is mislukt voor ${user}`,
      authn_mfa_step_up: (_, user) => `${user} heeft opnieuw geverifieerd met de authenticator-app`,
      app_registered: (actor) => `${actor} heeft een toepassing toegevoegd`,
      app_removed: (actor) => `${actor} heeft een toepassing verwijderd`,
      app_secret_rotated: (actor) => `${actor} heeft een toepassing een nieuw geheim gegeven`,
      app_sign_in: (_, user) => `${user} heeft zich aangemeld bij een toepassing`,
      user_blocked: (actor, user) => `${actor} heeft aanmelden voor ${user} geblokkeerd`,
      user_unblocked: (actor, user) =>
        `${actor} heeft de blokkering van aanmelden voor ${user} opgeheven`,
      user_block_denied: (actor, user) => `${actor} mocht aanmelden voor ${user} niet blokkeren`,
      user_unblock_denied: (actor, user) =>
        `${actor} mocht de blokkering van aanmelden voor ${user} niet opheffen`,
      user_sign_out_denied: (actor, user) =>
        `${actor} mocht ${user} niet afmelden bij alle sessies`,
      password_reset_request_dismissed: (actor, user) =>
        `${actor} heeft het verzoek om wachtwoordherstel van ${user} gesloten`,
      password_reset_request_dismiss_denied: (actor, user) =>
        `${actor} mocht het verzoek om wachtwoordherstel van ${user} niet sluiten`,
      access_denied: (actor) => `${actor} is een beheerpagina of -actie geweigerd`,
      caller_verification_started: (actor, user) =>
        `${actor} is begonnen de identiteit van ${user} te controleren`,
      caller_verification_failed: (actor, user) =>
        `${actor} heeft een verkeerde code ingevoerd bij de identiteitscontrole van ${user}`,
      caller_verification_verified: (actor, user) =>
        `${actor} heeft de identiteit van ${user} gecontroleerd`,
      caller_verification_expired: (_, user) =>
        `De identiteitscontrole van ${user} is ongebruikt beëindigd`,
      caller_verification_used: (actor, user) =>
        `${actor} heeft de identiteitscontrole van ${user} gebruikt om het wachtwoord opnieuw in te stellen`,
      caller_verification_overridden: (actor, user) =>
        `${actor} is voor ${user} doorgegaan zonder identiteitscontrole`,
      approval_requested: (actor, user) =>
        `${actor} heeft goedkeuring gevraagd om ${user} opnieuw in te stellen`,
      approval_approved: (actor, user) =>
        `${actor} heeft goedgekeurd dat ${user} opnieuw wordt ingesteld`,
      approval_denied: (actor, user) =>
        `${actor} heeft geweigerd dat ${user} opnieuw wordt ingesteld`,
      approval_cancelled: (actor, user) =>
        `${actor} heeft de goedkeuringsaanvraag voor ${user} geannuleerd`,
      approval_expired: (_, user) =>
        `De goedkeuringsaanvraag voor ${user} is zonder beslissing verlopen`,
      approval_executed: (actor, user) =>
        `${actor} heeft de goedgekeurde herstelactie voor ${user} uitgevoerd`,
      approval_decision_refused: (actor, user) =>
        `${actor} mocht niet beslissen over de goedkeuringsaanvraag voor ${user}`,
    },
    someone: 'iemand',
    unknownAccount: 'een e-mailadres zonder account',
    outcomes: {
      success: 'Geslaagd',
      denied: 'Geweigerd',
      failure: 'Mislukt',
    },
    reasons: {
      UNKNOWN_ACCOUNT: 'Er is geen account met dit e-mailadres.',
      WRONG_EMAIL: 'Het ingevoerde e-mailadres is niet dat van het account.',
      SIGN_OUT: 'Afgemeld.',
      SIGN_OUT_EVERYWHERE: 'Overal afgemeld.',
      PASSWORD_RESET: 'Het wachtwoord is opnieuw ingesteld.',
      PASSWORD_CHANGE: 'Het wachtwoord is gewijzigd.',
      MFA_RESET: 'Verificatie in twee stappen is opnieuw ingesteld.',
      REFRESH_TOKEN_REUSE: 'Een vernieuwingstoken is een tweede keer gebruikt.',
      FORCED_CHANGE: 'Verplicht na het opnieuw instellen.',
      SELF_SERVICE: 'Gewijzigd door de gebruiker zelf.',
      TEMPORARY: 'Tijdelijk: moet bij de volgende aanmelding worden gewijzigd.',
      PERMANENT: 'Permanent: hoeft niet te worden gewijzigd.',
      SAME_AS_TEMPORARY: 'Hetzelfde als het tijdelijke wachtwoord.',
      RECENTLY_USED: 'Een onlangs gebruikt wachtwoord.',
      MFA_CODE_REPLAYED: 'Een verificatiecode is een tweede keer gebruikt.',
      FACTOR_REMOVED: 'De authenticator-app is verwijderd.',
      NO_FACTOR: 'Er was niets te verwijderen.',
      TOTP_CODE: 'Met een code uit de authenticator-app.',
      EMAIL_CODE: 'Met een code per e-mail.',
      CODE_ATTEMPTS: 'Te veel verkeerde codes.',
      CODE_EXPIRED: 'De code is verlopen.',
      EMAIL_CHANGED: 'Het e-mailadres van de gebruiker is gewijzigd.',
      FOR_PASSWORD_RESET: 'Voor het opnieuw instellen van een wachtwoord.',
      FOR_MFA_RESET: 'Voor het opnieuw instellen van verificatie in twee stappen.',
      REASON_GIVEN: 'In plaats daarvan is een schriftelijke reden opgegeven.',
      APP_REMOVED: 'De toepassing is verwijderd.',
      APP_SIGN_OUT: 'Afgemeld via een toepassing.',
      APP_TOKEN_REVOKED: 'De toepassing heeft haar toegang opgegeven.',
      CODE_REPLAYED: 'Een eenmalige aanmeldcode is een tweede keer gebruikt.',
      OTHER_TENANT: 'De toepassing hoort bij een andere organisatie.',
      ADMIN_SIGN_OUT: 'Door een beheerder afgemeld bij alle sessies.',
      SEND_FAILED: 'De e-mail kon niet worden verzonden.',
      ECONNECTION: 'Geen verbinding met de e-mailserver.',
      ECONNREFUSED: 'De e-mailserver heeft de verbinding geweigerd.',
      ETIMEDOUT: 'De e-mailserver heeft niet op tijd geantwoord.',
      ESOCKET: 'De verbinding met de e-mailserver is verbroken.',
      EDNS: 'De naam van de e-mailserver kon niet worden opgezocht.',
      ETLS: 'Geen beveiligde verbinding met de e-mailserver.',
      EREQUIRETLS: 'De e-mailserver biedt geen beveiligde verbinding.',
      EAUTH: 'De e-mailserver heeft de gebruikersnaam of het wachtwoord geweigerd.',
      ENOAUTH: 'De e-mailserver vraagt om een gebruikersnaam en wachtwoord.',
      EENVELOPE: 'De e-mailserver heeft de afzender of een ontvanger geweigerd.',
      EMESSAGE: 'Het bericht kon niet worden samengesteld.',
      EPROTOCOL: 'De e-mailserver gaf een onverwacht antwoord.',
    },
    smtpReply: (code) => `De e-mailserver heeft het bericht geweigerd (antwoord ${code}).`,
    httpReply: (code) => `De toepassing antwoordde met HTTP-status ${code}.`,
    otherEvent: 'Andere gebeurtenis',
    otherOutcome: 'Anders',
    otherReason: 'Een andere reden.',
  },
  userActions: {
    title: 'Aanmelden en beveiliging',
    signIn: 'Aanmelden',
    allowed: 'Toegestaan',
    blocked: 'Geblokkeerd',
    resetTwoStep: 'Verificatie in twee stappen opnieuw instellen',
    signOutAll: 'Afmelden bij alle sessies',
    block: 'Aanmelden blokkeren',
    unblock: 'Blokkering van aanmelden opheffen',
    cancel: 'Annuleren',
    titles: {
      'mfa-reset': 'Verificatie in twee stappen opnieuw instellen?',
      'sign-out': 'Afmelden bij alle sessies?',
      block: 'Aanmelden blokkeren?',
      unblock: 'Blokkering van aanmelden opheffen?',
      'new-link': 'Een nieuwe link verzenden?',
    },
    explain: {
      'mfa-reset': (who) =>
        `${who} meldt zich voortaan alleen met het wachtwoord aan en kan verificatie in twee stappen opnieuw instellen. Alle sessies worden beëindigd en de gebruiker krijgt hierover een e-mail.`,
      'sign-out': (who) =>
        `${who} wordt op alle apparaten en in alle toepassingen afgemeld en krijgt hierover een e-mail. Het wachtwoord blijft ongewijzigd.`,
      block: (who) =>
        `${who} kan zich niet meer aanmelden, wordt op alle apparaten en in alle toepassingen afgemeld en krijgt hierover een e-mail. U kunt de blokkering op elk moment opheffen.`,
      unblock: (who) =>
        `${who} kan zich weer aanmelden met hetzelfde wachtwoord en krijgt hierover een e-mail.`,
      'new-link': (who) =>
        `Er wordt een nieuw wachtwoord voor ${who} gemaakt en een eenmalige link ernaar wordt verzonden naar de adressen hieronder. De eerder verzonden links werken dan niet meer.`,
    },
    done: {
      'mfa-reset': (who) => `Verificatie in twee stappen van ${who} is opnieuw ingesteld.`,
      'sign-out': (who, n) =>
        n === 0
          ? `${who} had geen open sessies: er hoefde niets te worden beëindigd.`
          : `${who} is afgemeld bij ${n === 1 ? '1 sessie' : `${n} sessies`}.`,
      block: (who) => `Aanmelden is geblokkeerd voor ${who}.`,
      unblock: (who) => `${who} kan zich weer aanmelden.`,
    },
    blockedBadge: 'Aanmelden geblokkeerd',
  },
  accountTitle: navAccount,
  changeOwnTitle: 'Mijn wachtwoord wijzigen',
  passwordChanged: 'Uw wachtwoord is gewijzigd. Uw andere sessies zijn beëindigd.',
  passwordSetFlash: 'Uw nieuwe wachtwoord is ingesteld. U bent aangemeld.',
  wrongCurrent: 'Het huidige wachtwoord is onjuist.',
  signOutEverywhere: 'Overal afmelden',
  endAllSessions: 'Alle sessies beëindigen',
  signOutEverywhereIntro:
    'Beëindigt alle sessies van uw account, op elk apparaat, ook op dit apparaat.',
  twoStepTitle: 'Verificatie in twee stappen',
  twoStepIntro:
    'Een code uit een authenticator-app op uw telefoon, die na uw wachtwoord wordt gevraagd.',
  twoStepOn: 'Verificatie in twee stappen staat aan.',
  twoStepOff: 'Verificatie in twee stappen staat uit.',
  setUpTwoStep: 'Verificatie in twee stappen instellen',
  scanQr:
    'Scan deze QR-code met uw authenticator-app of voer de sleutel daarin in. Voer daarna de code in die de app weergeeft.',
  qrCode: 'QR-code',
  secretKey: 'Sleutel',
  turnOn: 'Inschakelen',
  recoveryTitle: 'Herstelcodes',
  recoveryIntro:
    'Met elke code meldt u zich één keer aan als u uw telefoon kwijt bent. Bewaar ze veilig: ze worden niet opnieuw getoond.',
  download: 'Downloaden',
  turnOffTwoStep: 'Verificatie in twee stappen uitschakelen',
  setupLapsed: 'Het instellen is verlopen. Begin opnieuw.',
  mfaEnrollmentRequired:
    'Stel verificatie in twee stappen in voor uw account voordat u een wachtwoord opnieuw instelt of een gebruiker toevoegt.',
  stepUpRequired:
    'Verifieer opnieuw met uw authenticator-app voordat u een wachtwoord opnieuw instelt of een gebruiker toevoegt: het is meer dan 15 minuten geleden.',
  verifyAgain: 'Opnieuw verifiëren',
  verified: 'Geverifieerd.',
  errors: {
    VALIDATION_FAILED: 'Sommige velden ontbreken of zijn ongeldig.',
    MALFORMED_JSON: 'De aanvraag kon niet worden gelezen.',
    INVALID_IDEMPOTENCY_KEY: 'De eenmalige sleutel van de aanvraag is ongeldig.',
    UNAUTHENTICATED: 'U moet zich eerst aanmelden.',
    INVALID_CREDENTIALS: 'Het e-mailadres of wachtwoord is onjuist.',
    TEMPORARY_PASSWORD_EXPIRED: 'Het tijdelijke wachtwoord is verlopen.',
    INVALID_CHALLENGE:
      'De stap om het wachtwoord te wijzigen is verlopen of ongeldig. Meld u opnieuw aan.',
    INVALID_REFRESH_TOKEN: 'De sessie is beëindigd. Meld u opnieuw aan.',
    INVALID_MFA_TOKEN: 'De aanmelding in twee stappen is verlopen of ongeldig. Meld u opnieuw aan.',
    INVALID_MFA_CODE: 'De verificatiecode is ongeldig.',
    INVALID_CURRENT_PASSWORD: 'Het huidige wachtwoord is onjuist.',
    FORBIDDEN: 'Dit is niet toegestaan.',
    FORBIDDEN_ROLE: 'De rol staat dit niet toe voor deze gebruiker.',
    CANNOT_RESET_SELF: `Beheerders wijzigen hun eigen wachtwoord op de pagina ${navAccount}, niet door het opnieuw in te stellen.`,
    PASSWORD_CHANGE_REQUIRED: 'Eerst moet een nieuw wachtwoord worden ingesteld.',
    MFA_ENROLLMENT_REQUIRED:
      'Eerst moet verificatie in twee stappen worden ingesteld op het account van de beheerder.',
    STEP_UP_REQUIRED: 'Eerst is een nieuwe code uit de authenticator-app nodig.',
    VERIFICATION_REQUIRED:
      'Controleer eerst de identiteit van de beller, of geef een reden om zonder controle door te gaan.',
    APPROVER_NOT_ELIGIBLE:
      'Een andere globale beheerder beslist hierover: niet wie het aanvroeg, en niet de gebruiker om wie het gaat.',
    CANNOT_MANAGE_SELF: 'Beheerders kunnen dit niet met hun eigen account doen.',
    SIGN_IN_BLOCKED: 'Een beheerder heeft aanmelden bij dit account geblokkeerd.',
    CROSS_SITE_REQUEST: 'De aanvraag kwam van een andere website en is daarom geweigerd.',
    NOT_FOUND: 'Het gevraagde bestaat niet.',
    METHOD_NOT_ALLOWED: 'Deze actie is hier niet mogelijk.',
    RESET_ALREADY_ISSUED:
      'Het wachtwoord is hiermee al opnieuw ingesteld; er is geen nieuw wachtwoord gemaakt.',
    ALREADY_SET_UP: 'oncepass is al ingericht.',
    EMAIL_TAKEN: 'Er bestaat al een gebruiker met dit e-mailadres.',
    MFA_ALREADY_ENROLLED: 'Verificatie in twee stappen is al ingeschakeld.',
    MFA_NOT_ENROLLED: 'Verificatie in twee stappen is niet ingeschakeld.',
    MFA_ENROLLMENT_NOT_PENDING:
      'Er wacht geen instelling van verificatie in twee stappen. Begin opnieuw.',
    CONFLICT: 'Er is op hetzelfde moment iets anders gewijzigd. Probeer het opnieuw.',
    NO_APPROVER:
      'Geen andere globale beheerder kan dit goedkeuren. De systeembeheerder kan het via de opdrachtregel opnieuw instellen.',
    APPROVAL_NOT_PENDING: 'Over deze aanvraag is al beslist, of ze is geannuleerd.',
    REVEAL_GONE: 'Deze link is al gebruikt, verlopen of vervangen door een nieuwere.',
    VERIFICATION_GONE:
      'Deze identiteitscontrole is beëindigd: de code is verlopen, te vaak verkeerd ingevoerd of vervangen door een nieuwere controle.',
    APPROVAL_GONE: 'Deze aanvraag is verlopen.',
    PAYLOAD_TOO_LARGE: 'Wat is verzonden, is te groot.',
    UNSUPPORTED_MEDIA_TYPE: 'De aanvraag moet als JSON worden verzonden.',
    PASSWORD_POLICY: 'Het wachtwoord voldoet niet aan de wachtwoordregels.',
    PERMANENT_PASSWORD_NOT_ALLOWED:
      'Deze installatie staat geen permanente wachtwoorden toe die een beheerder instelt.',
    REVEAL_KEY_MISMATCH: 'De link is onvolledig of beschadigd; er is niets getoond.',
    MAIL_NOT_CONFIGURED:
      'Er is geen e-mailserver ingesteld, dus er kan geen link worden verzonden.',
    LINK_REQUIRES_CHANGE:
      'Een wachtwoord dat via een link wordt verzonden, moet bij de eerste aanmelding worden gewijzigd.',
    IDEMPOTENCY_KEY_REUSED: 'Deze eenmalige sleutel is al gebruikt voor een andere aanvraag.',
    VERIFICATION_FAILED: 'De code klopt niet.',
    GENERATED_PASSWORD_REQUIRED:
      'Bij een herstelactie die op goedkeuring wacht, wordt het wachtwoord gegenereerd: kies “Wachtwoord automatisch genereren”.',
    TOO_MANY_ATTEMPTS: 'Te veel pogingen. Probeer het later opnieuw.',
    RATE_LIMITED: 'Te veel aanvragen in korte tijd. Wacht een minuut en probeer het opnieuw.',
    INTERNAL_ERROR: 'Er is iets misgegaan.',
    SERVICE_BUSY: 'De service is bezet. Probeer het zo opnieuw.',
    MAIL_SEND_FAILED:
      'De e-mail kon niet worden verzonden, dus er is geen code onderweg. Probeer het zo opnieuw.',
    DATABASE_BUSY: 'De database is bezet. Probeer het zo opnieuw.',
    STORAGE_FULL: 'De opslag is vol; er is niets gewijzigd.',
  },
  notFoundTitle: 'Pagina niet gevonden',
  notFound: 'Op dit adres staat niets.',
  forbiddenTitle: 'Niet toegestaan',
  forbidden: 'U mag dit niet doen.',
  crossSite: 'Dit formulier kwam van een andere website en is geweigerd.',
  errorTitle: 'Er is iets misgegaan',
  error:
    'Probeer het opnieuw. Blijft het probleem zich voordoen, neem dan contact op met uw beheerder.',
  invalidForm: 'Controleer de velden en probeer het opnieuw.',
  signedOut: 'U bent afgemeld. Meld u opnieuw aan.',
  home: 'Start',
  minutes: (n) => (n === 1 ? '1 minuut' : `${n} minuten`),
  seconds: (n) => (n === 1 ? '1 seconde' : `${n} seconden`),
  mail: {
    revealSubject: 'Uw nieuwe tijdelijke wachtwoord',
    revealIntro: (email: string) =>
      `Een beheerder heeft het wachtwoord van ${email} opnieuw ingesteld. Open deze link om het nieuwe tijdelijke wachtwoord te zien:`,
    revealHow: `Typ op de pagina het e-mailadres van het account en klik op ${showPassword}. De link werkt één keer: wie hem als eerste opent, maakt hem daarmee onbruikbaar.`,
    revealExpires: (when: string) => `De link en het wachtwoord verlopen op ${when}.`,
    revealIgnore: 'Had u dit niet verwacht? Laat het dan uw beheerder weten.',
    resetSubject: 'Uw wachtwoord is opnieuw ingesteld door een beheerder',
    resetBody: (admin: string, when: string) =>
      `${admin} heeft uw oncepass-wachtwoord op ${when} opnieuw ingesteld. Bij uw volgende aanmelding kiest u een nieuw wachtwoord.`,
    changedSubject: 'Uw wachtwoord is gewijzigd',
    changedBody: (when: string) => `Uw oncepass-wachtwoord is op ${when} gewijzigd.`,
    mfaEnrolledSubject: 'Verificatie in twee stappen is ingeschakeld',
    mfaEnrolledBody: (when: string) =>
      `Verificatie in twee stappen is op ${when} ingeschakeld voor uw oncepass-account.`,
    mfaDisabledSubject: 'Verificatie in twee stappen is uitgeschakeld',
    mfaDisabledBody: (when: string) =>
      `Verificatie in twee stappen is op ${when} uitgeschakeld voor uw oncepass-account.`,
    mfaResetSubject: 'Een beheerder heeft uw verificatie in twee stappen verwijderd',
    mfaResetBody: (admin: string, when: string) =>
      `${admin} heeft op ${when} verificatie in twee stappen van uw oncepass-account verwijderd en u overal afgemeld. U kunt het opnieuw instellen onder ${navAccount}.`,
    mfaReplayedSubject: 'Een van uw verificatiecodes is twee keer gebruikt',
    mfaReplayedBody: (when: string) =>
      `Op ${when} heeft iemand een verificatiecode van uw oncepass-account ingevoerd die al was gebruikt. Die persoon kent mogelijk uw wachtwoord: wijzig het nu.`,
    notMe: 'Was u dit niet? Neem dan meteen contact op met uw beheerder.',
    verifyCodeSubject: 'Uw code voor uw beheerder',
    verifyCodeBody: (admin: string) =>
      `${admin}, een beheerder van uw organisatie, controleert of u degene bent met wie hij of zij contact heeft. Hebt u zelf contact opgenomen? Lees dan deze code voor:`,
    verifyCodeExpires: (when: string) => `De code werkt tot ${when}.`,
    verifyCodeWarning:
      'Hebt u op dit moment geen contact met uw beheerder? Geef deze code dan aan niemand: misschien doet iemand zich voor als u. Laat het uw beheerder weten.',
    verifyStartedSubject: 'Een beheerder controleert uw identiteit',
    verifyStartedBody: (admin: string, when: string) =>
      `Om ${when} is ${admin} uw identiteit gaan controleren met een code uit uw authenticator-app. Lees alleen een code voor aan een beheerder met wie u zelf contact hebt opgenomen.`,
    verifySucceededSubject: 'Uw identiteit is aan een beheerder bevestigd',
    verifySucceededBody: (admin: string, method: string, when: string) =>
      `Om ${when} heeft ${admin} uw identiteit bevestigd met ${method} en kan nu uw wachtwoord of uw verificatie in twee stappen opnieuw instellen.`,
    methodNames: {
      totp: 'een code uit uw authenticator-app',
      email: 'een code die naar uw e-mailadres is gestuurd',
    },
    actionNames: {
      password_reset: 'wachtwoordherstel',
      mfa_reset: 'herstel van de verificatie in twee stappen',
    },
    overrideSubject: 'Een herstelactie zonder identiteitscontrole',
    overrideBody: (admin: string, action: string, email: string, when: string) =>
      `Om ${when} heeft ${admin} de identiteit van de beller niet gecontroleerd bij een ${action} voor ${email}.`,
    overrideReason: (reason: string) => `De opgegeven reden: “${reason}”`,
    approvalRequestedSubject: 'Het opnieuw instellen voor een beheerder wacht op uw goedkeuring',
    approvalRequestedBody: (admin: string, action: string, email: string, when: string) =>
      `${admin} heeft een ${action} voor ${email} aangevraagd. Keur het goed of weiger het in oncepass onder ${navApprovals} vóór ${when}.`,
    approvedSubject: 'Uw aanvraag is goedgekeurd',
    approvedBody: (admin: string, action: string, email: string) =>
      `${admin} heeft uw aanvraag voor een ${action} voor ${email} goedgekeurd.`,
    approvedShow: (when: string) =>
      `Open de aanvraag in oncepass onder ${navApprovals} en klik op ${showNewPassword} vóór ${when}. Het wachtwoord wordt u één keer getoond.`,
    approvedDone: 'Het is uitgevoerd.',
    deniedSubject: 'Uw aanvraag is geweigerd',
    deniedBody: (admin: string, action: string, email: string) =>
      `${admin} heeft uw aanvraag voor een ${action} voor ${email} geweigerd.`,
    deniedReason: (reason: string) => `De opgegeven reden: “${reason}”`,
    signedOutSubject: 'Een beheerder heeft u overal afgemeld',
    signedOutBody: (admin, when) =>
      `${admin} heeft u op ${when} op alle apparaten en in alle toepassingen afgemeld bij oncepass. Meld u opnieuw aan om verder te gaan.`,
    blockedSubject: 'Aanmelden bij uw account is geblokkeerd',
    blockedBody: (admin, when) =>
      `${admin} heeft op ${when} aanmelden bij uw oncepass-account geblokkeerd. Neem contact op met uw beheerder als u zich moet aanmelden.`,
    unblockedSubject: 'U kunt zich weer aanmelden',
    unblockedBody: (admin, when) =>
      `${admin} heeft op ${when} de blokkering van aanmelden bij uw oncepass-account opgeheven.`,
    requestSubject: 'Een gebruiker vraagt om een nieuw wachtwoord',
    requestBody: (email: string, when: string) =>
      `${email} heeft op ${when} om een nieuw wachtwoord gevraagd. Bekijk het verzoek in oncepass onder ${navRequests}.`,
    requestsSubject: 'Gebruikers vragen om een nieuw wachtwoord',
    requestsBody: (n, emails, when) =>
      `${n} gebruikers hebben sinds ${when} om een nieuw wachtwoord gevraagd: ${emails}. Bekijk de verzoeken in oncepass onder ${navRequests}.`,
    requestsPace:
      "U krijgt hooguit één zo'n e-mail per 15 minuten; oncepass toont altijd alle open verzoeken.",
  },
  apps: {
    title: 'Toepassingen',
    intro:
      'De eigen apps van uw organisatie die hun gebruikers via oncepass laten aanmelden (OpenID Connect).',
    add: 'Toepassing toevoegen',
    none: 'Nog geen toepassingen.',
    name: 'Naam',
    type: 'Type',
    clientId: 'Client-id',
    added: 'Toegevoegd',
    redirectUris: "Omleidings-URI's",
    redirectUrisHint:
      'Eén per regel, precies zoals de app hem verstuurt: https, of http op 127.0.0.1, [::1] of localhost (elke poort).',
    postLogoutRedirectUris: "Omleidings-URI's na afmelden",
    postLogoutRedirectUrisHint:
      'Optioneel. Eén per regel: waar de app mensen naartoe mag sturen nadat ze zich hebben afgemeld.',
    backchannelLogoutUri: 'URI voor back-channel-afmelding',
    backchannelLogoutUriHint:
      'Optioneel. oncepass verstuurt hier een ondertekend afmeldingstoken zodra de sessies van een gebruiker eindigen.',
    typeLegend: 'Type toepassing',
    confidential: 'Webtoepassing (met een geheim)',
    confidentialHint: 'Draait op een server die een geheim kan bewaren.',
    public: 'Toepassing met één pagina of systeemeigen toepassing (geen geheim)',
    publicHint:
      'Draait in een browser of op een apparaat: kan geen geheim bewaren en vertrouwt op PKCE.',
    types: {
      confidential: 'Webtoepassing',
      public: 'Toepassing met één pagina of systeemeigen toepassing',
    },
    noneRegistered: 'Geen',
    detailsTitle: 'Gegevens',
    discoveryUrl: 'Discovery-URL',
    discoveryHint:
      'Geef dit adres op in de OpenID Connect-bibliotheek van de app; de rest vindt die zelf.',
    secretRotatedAt: 'Geheim laatst vernieuwd',
    neverRotated: 'Nooit',
    copyClientId: 'Client-id kopiëren',
    copyDiscoveryUrl: 'Discovery-URL kopiëren',
    back: 'Terug naar toepassingen',
    cancel: 'Annuleren',
    addedTitle: 'Toepassing toegevoegd',
    clientSecret: 'Clientgeheim',
    secretNotShownAgain:
      'Dit geheim wordt niet opnieuw weergegeven. Kopieer het nu en sla het op in de configuratie van de app.',
    noSecretNeeded: 'Deze app heeft geen geheim: bij elke aanmelding bewijst hij zich met PKCE.',
    viewApp: 'De toepassing bekijken',
    alreadyAddedTitle: 'Deze toepassing is al toegevoegd',
    alreadyAdded:
      'Met dit formulier is de toepassing al toegevoegd. Er is dus niets nieuws toegevoegd en het geheim wordt niet opnieuw weergegeven. Bent u het geheim kwijt, vernieuw het dan.',
    rotateSecret: 'Geheim vernieuwen',
    rotateTitle: 'Het geheim vernieuwen?',
    rotateQuestion: (app) =>
      `${app} krijgt een nieuw geheim, dat één keer wordt weergegeven. Het huidige geheim werkt meteen niet meer: de app kan niemand aanmelden tot hij het nieuwe heeft.`,
    rotatedTitle: 'Nieuw geheim gemaakt',
    alreadyRotatedTitle: 'Het geheim is al vernieuwd',
    alreadyRotated:
      'Het geheim is gewijzigd sinds dit formulier werd geopend (misschien is het al eerder verzonden). Het is dus niet nog eens vernieuwd en er wordt geen geheim weergegeven. Vernieuw het opnieuw vanaf de pagina van de toepassing als u een nieuw geheim nodig hebt.',
    noSecret:
      'Een toepassing met één pagina of systeemeigen toepassing heeft geen geheim om te vernieuwen.',
    remove: 'Toepassing verwijderen',
    removeTitle: 'De toepassing verwijderen?',
    removeQuestion: (app) =>
      `${app} kan niemand meer aanmelden. Iedereen die via oncepass bij deze toepassing is aangemeld, wordt daar afgemeld en de tokens werken niet meer. Dit kan niet ongedaan worden gemaakt.`,
    removedTitle: 'Toepassing verwijderd',
    removed: (app) => `${app} is verwijderd. De aanmeldingen en tokens zijn beëindigd.`,
    alreadyRemoved: 'Deze toepassing is al verwijderd of bestaat niet.',
    stepUpRequired:
      'Verifieer eerst met uw authenticator-app: een toepassingsgeheim wordt alleen uitgegeven na een recente verificatiecode.',
    nameInvalid:
      'Voer een naam in van maximaal 200 tekens, zonder besturings- of tekstrichtingstekens.',
    redirectUrisCount: "Voer één tot tien omleidings-URI's in, één per regel.",
    postLogoutRedirectUrisCount: "Voer maximaal tien omleidings-URI's na afmelden in.",
    uriProblem: (uri, problem) => `${uri}: ${problem}`,
    uriProblems: {
      NOT_A_URL:
        'Geen volledige URL zoals browsers die schrijven. Gebruik een adres in kleine letters met een pad, zoals https://app.example/callback.',
      TOO_LONG: 'Langer dan 1000 tekens.',
      HAS_FRAGMENT: 'Verwijder het deel vanaf #.',
      HAS_WILDCARD: 'Jokertekens (*) zijn niet toegestaan: elke URI wordt exact vergeleken.',
      HAS_CREDENTIALS: 'Verwijder de gebruikersnaam en het wachtwoord uit het adres.',
      NOT_HTTPS: 'Gebruik https. Gewoon http mag alleen op 127.0.0.1, [::1] of localhost.',
    },
  },
  authorize: {
    signInTo: (app: string) => `Meld u aan om door te gaan naar ${app}.`,
    signInAgain: (app: string) => `${app} vraagt u zich opnieuw aan te melden voordat u doorgaat.`,
    cancel: (app: string) => `Annuleren en teruggaan naar ${app}`,
    continuingTitle: 'Doorgaan…',
    continuing: 'U gaat door naar het aanmelden. Gebeurt er niets, ga dan hier verder:',
    continueLink: 'Doorgaan',
    invalidTitle: 'Deze aanmeldkoppeling werkt niet',
    unknownClient:
      'De toepassing die u hierheen stuurde, is niet geregistreerd bij deze organisatie. Vraag het aan de beheerders ervan.',
    unregisteredRedirect:
      'De toepassing vroeg u terug te sturen naar een adres dat zij niet heeft geregistreerd; u bent daarom nergens heen gestuurd. Vraag het aan de beheerders ervan.',
    confirmSignOut: 'Ja, afmelden',
    invalidSignOut:
      'De toepassing stuurde een afmeldverzoek dat niet kon worden gecontroleerd; er is daarom niets gedaan. U kunt zich afmelden via het menu.',
    signedOutTitle: 'U bent afgemeld',
    signedOut: 'U bent afgemeld bij oncepass en bij de toepassingen die u ermee gebruikte.',
    signOutTitle: 'Afmelden?',
    signOutQuestion: (app: string | null) =>
      app
        ? `${app} vraagt u zich af te melden bij oncepass.`
        : 'Afmelden bij oncepass op dit apparaat?',
    signOutUnknownReturn:
      'De toepassing vroeg u na het afmelden naar een adres te sturen dat zij niet heeft geregistreerd; u blijft daarom hier.',
  },
  reveal: {
    title: 'Uw tijdelijke wachtwoord',
    intro:
      'Een beheerder heeft het wachtwoord van dit account opnieuw ingesteld. Typ het e-mailadres van het account om het tijdelijke wachtwoord te zien. Het kan één keer worden weergegeven.',
    gone: 'Deze link is al gebruikt, verlopen of vervangen door een nieuwere. Vraag uw beheerder om een nieuwe link.',
    wrongEmail:
      'Dat is niet het e-mailadres van dit account. Na nog een paar onjuiste pogingen werkt de link niet meer.',
    broken:
      'Deze link is onvolledig of beschadigd: kopieer de hele link uit de e-mail, ook het deel na #.',
    failed: 'Er is iets misgegaan. Probeer het zo opnieuw.',
    noScript:
      'Voor deze pagina is JavaScript nodig: het wachtwoord wordt in uw browser ontsleuteld, nooit op de server.',
    shown:
      'Kopieer het nu en meld u ermee aan: het wordt niet opnieuw weergegeven, en daarna kiest u uw eigen wachtwoord.',
    signIn: 'Naar aanmelden',
  },
} satisfies Copy
