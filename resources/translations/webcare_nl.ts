<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl_NL">
<context>
    <name>AgentsView</name>
    <message>
        <source>Accounts</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>Show imported accounts</source>
        <translation>Geïmporteerde accounts tonen</translation>
    </message>
    <message>
        <source>Accounts the import of old conversations made for the signatures in brand replies. They cannot sign in and are never offered for claims; reports keep their answers.</source>
        <translation>Accounts die de import van oude gesprekken aanmaakte voor de ondertekeningen in antwoorden van het merk. Ze kunnen zich niet aanmelden en worden nooit aangeboden om vermeldingen op te pakken; de rapportages houden hun antwoorden.</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>teamleider</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Weergavenaam</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Ondertekening</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>e.g. ^Eva</source>
        <translation>bijv. ^Eva</translation>
    </message>
    <message>
        <source>Added to the end of every reply this agent sends</source>
        <translation>Komt onder elk antwoord dat deze medewerker verstuurt</translation>
    </message>
    <message>
        <source>Add agent</source>
        <translation>Medewerker toevoegen</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Wijzigingen opslaan</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deactiveren</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>Wachtwoord opnieuw instellen…</translation>
    </message>
    <message>
        <source>Show imported accounts ({n}) — they cannot sign in</source>
        <translation>Geïmporteerde accounts tonen ({n}) — die kunnen zich niet aanmelden</translation>
    </message>
    <message>
        <source>username</source>
        <translation>gebruikersnaam</translation>
    </message>
    <message>
        <source>name</source>
        <translation>naam</translation>
    </message>
    <message>
        <source>signature</source>
        <translation>ondertekening</translation>
    </message>
    <message>
        <source>role</source>
        <translation>rol</translation>
    </message>
    <message>
        <source>state</source>
        <translation>status</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>gedeactiveerd</translation>
    </message>
    <message>
        <source>active</source>
        <translation>actief</translation>
    </message>
    <message>
        <source>imported, cannot sign in</source>
        <translation>geïmporteerd, kan zich niet aanmelden</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Activeren</translation>
    </message>
    <message>
        <source>Fill in the new agent, then press Add agent again.</source>
        <translation>Vul de gegevens van de nieuwe medewerker in en klik nogmaals op Medewerker toevoegen.</translation>
    </message>
    <message>
        <source>Password for {u}</source>
        <translation>Wachtwoord voor {u}</translation>
    </message>
    <message>
        <source>New password for {u}</source>
        <translation>Nieuw wachtwoord voor {u}</translation>
    </message>
    <message>
        <source>Saved {u}.</source>
        <translation>{u} opgeslagen.</translation>
    </message>
</context>
<context>
    <name>AskFields</name>
    <message>
        <source>Fill in before sending (Tab: next field)</source>
        <translation>Vul in voor je verstuurt (Tab: volgend veld)</translation>
    </message>
    <message>
        <source>fill in before sending</source>
        <translation>invullen voor verzenden</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>Signed in</source>
        <translation>Aangemeld</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Afgemeld</translation>
    </message>
    <message>
        <source>Claimed</source>
        <translation>Opgepakt</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>Vrijgegeven</translation>
    </message>
    <message>
        <source>Reassigned</source>
        <translation>Overgedragen</translation>
    </message>
    <message>
        <source>Handed over</source>
        <translation>Overgedragen aan collega</translation>
    </message>
    <message>
        <source>Claim expired</source>
        <translation>Oppakken verlopen</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>Beantwoord</translation>
    </message>
    <message>
        <source>Reply delivered</source>
        <translation>Antwoord bezorgd</translation>
    </message>
    <message>
        <source>Delivery failed</source>
        <translation>Bezorging mislukt</translation>
    </message>
    <message>
        <source>Delivery retried</source>
        <translation>Bezorging opnieuw geprobeerd</translation>
    </message>
    <message>
        <source>Note added</source>
        <translation>Notitie toegevoegd</translation>
    </message>
    <message>
        <source>Status changed</source>
        <translation>Status gewijzigd</translation>
    </message>
    <message>
        <source>Tags changed</source>
        <translation>Tags gewijzigd</translation>
    </message>
    <message>
        <source>Priority changed</source>
        <translation>Prioriteit gewijzigd</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Gesluimerd</translation>
    </message>
    <message>
        <source>Snooze ended</source>
        <translation>Sluimeren beëindigd</translation>
    </message>
    <message>
        <source>Woke from snooze</source>
        <translation>Gewekt</translation>
    </message>
    <message>
        <source>Out-of-hours reply sent</source>
        <translation>Antwoord buiten openingstijden verstuurd</translation>
    </message>
    <message>
        <source>Out-of-hours reply skipped</source>
        <translation>Antwoord buiten openingstijden overgeslagen</translation>
    </message>
    <message>
        <source>Template added</source>
        <translation>Sjabloon toegevoegd</translation>
    </message>
    <message>
        <source>Template edited</source>
        <translation>Sjabloon bewerkt</translation>
    </message>
    <message>
        <source>Template archived</source>
        <translation>Sjabloon gearchiveerd</translation>
    </message>
    <message>
        <source>Template restored</source>
        <translation>Sjabloon teruggezet</translation>
    </message>
    <message>
        <source>View published to the team</source>
        <translation>Weergave gepubliceerd voor het team</translation>
    </message>
    <message>
        <source>Team view changed</source>
        <translation>Teamweergave gewijzigd</translation>
    </message>
    <message>
        <source>Team view made personal</source>
        <translation>Teamweergave weer persoonlijk gemaakt</translation>
    </message>
    <message>
        <source>Team view deleted</source>
        <translation>Teamweergave verwijderd</translation>
    </message>
    <message>
        <source>Account added</source>
        <translation>Account toegevoegd</translation>
    </message>
    <message>
        <source>Account changed</source>
        <translation>Account gewijzigd</translation>
    </message>
    <message>
        <source>Channel added</source>
        <translation>Kanaal toegevoegd</translation>
    </message>
    <message>
        <source>Channel changed</source>
        <translation>Kanaal gewijzigd</translation>
    </message>
    <message>
        <source>Fetch requested</source>
        <translation>Ophalen gevraagd</translation>
    </message>
    <message>
        <source>Fetch failed</source>
        <translation>Ophalen mislukt</translation>
    </message>
    <message>
        <source>Fetching again</source>
        <translation>Ophalen werkt weer</translation>
    </message>
    <message>
        <source>Mentions fetched</source>
        <translation>Vermeldingen opgehaald</translation>
    </message>
    <message>
        <source>Contacts merged</source>
        <translation>Contacten samengevoegd</translation>
    </message>
    <message>
        <source>Contacts split</source>
        <translation>Contacten gesplitst</translation>
    </message>
    <message>
        <source>Merge suggestion dismissed</source>
        <translation>Voorstel tot samenvoegen afgewezen</translation>
    </message>
    <message>
        <source>Business hours changed</source>
        <translation>Openingstijden gewijzigd</translation>
    </message>
    <message>
        <source>SLA targets changed</source>
        <translation>SLA-normen gewijzigd</translation>
    </message>
    <message>
        <source>Out-of-hours reply changed</source>
        <translation>Antwoord buiten openingstijden gewijzigd</translation>
    </message>
    <message>
        <source>Priority rules changed</source>
        <translation>Prioriteitsregels gewijzigd</translation>
    </message>
    <message>
        <source>system</source>
        <translation>systeem</translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation>Openingstijden</translation>
    </message>
    <message>
        <source>SLA targets</source>
        <translation>SLA-normen</translation>
    </message>
    <message>
        <source>Out-of-hours reply</source>
        <translation>Antwoord buiten openingstijden</translation>
    </message>
    <message>
        <source>Priority rules</source>
        <translation>Prioriteitsregels</translation>
    </message>
    <message>
        <source>mention {id}</source>
        <translation>vermelding {id}</translation>
    </message>
    <message>
        <source>reply {id}</source>
        <translation>antwoord {id}</translation>
    </message>
    <message>
        <source>account {id}</source>
        <translation>account {id}</translation>
    </message>
    <message>
        <source>template {id}</source>
        <translation>sjabloon {id}</translation>
    </message>
    <message>
        <source>channel {id}</source>
        <translation>kanaal {id}</translation>
    </message>
    <message>
        <source>contact {id}</source>
        <translation>contact {id}</translation>
    </message>
    <message>
        <source>saved view {id}</source>
        <translation>opgeslagen weergave {id}</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>niemand</translation>
    </message>
    <message>
        <source>claim renewed</source>
        <translation>verlengd</translation>
    </message>
    <message>
        <source>taken over from {name}</source>
        <translation>overgenomen van {name}</translation>
    </message>
    <message>
        <source>released: the account was disabled</source>
        <translation>vrijgegeven: het account is uitgeschakeld</translation>
    </message>
    <message>
        <source>snoozed: the claim of {name} ended</source>
        <translation>gesluimerd: het oppakken door {name} is beëindigd</translation>
    </message>
    <message>
        <source>the claim of {name}</source>
        <translation>opgepakt door {name}</translation>
    </message>
    <message>
        <source>assigned to {to} (was {was})</source>
        <translation>overgedragen aan {to} (was {was})</translation>
    </message>
    <message>
        <source>assigned to {to}</source>
        <translation>overgedragen aan {to}</translation>
    </message>
    <message>
        <source>to {to} (was {was})</source>
        <translation>aan {to} (was {was})</translation>
    </message>
    <message>
        <source>to {to}</source>
        <translation>aan {to}</translation>
    </message>
    <message>
        <source>{handover}: “{note}”</source>
        <translation>{handover}: ‘{note}’</translation>
    </message>
    <message>
        <source>status {old} → {new}</source>
        <translation>status {old} → {new}</translation>
    </message>
    <message>
        <source>tags: {tags}</source>
        <translation>tags: {tags}</translation>
    </message>
    <message>
        <source>tags removed</source>
        <translation>tags verwijderd</translation>
    </message>
    <message>
        <source>priority → {p}</source>
        <translation>prioriteit → {p}</translation>
    </message>
    <message>
        <source>found on the platform after a retry</source>
        <translation>na een nieuwe poging op het platform gevonden</translation>
    </message>
    <message>
        <source>gave up after {n} attempts: {error}</source>
        <translation>opgegeven na {n} pogingen: {error}</translation>
    </message>
    <message>
        <source>new mentions: {m}, new replies: {r}</source>
        <translation>nieuwe vermeldingen: {m}, nieuwe antwoorden: {r}</translation>
    </message>
    <message>
        <source>from {client}</source>
        <translation>via {client}</translation>
    </message>
    <message>
        <source>{username}, role {role}</source>
        <translation>{username}, rol {role}</translation>
    </message>
    <message>
        <source>name → {v}</source>
        <translation>naam → {v}</translation>
    </message>
    <message>
        <source>signature → {v}</source>
        <translation>ondertekening → {v}</translation>
    </message>
    <message>
        <source>role → {v}</source>
        <translation>rol → {v}</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>uitgeschakeld</translation>
    </message>
    <message>
        <source>enabled again</source>
        <translation>weer ingeschakeld</translation>
    </message>
    <message>
        <source>password reset</source>
        <translation>wachtwoord opnieuw ingesteld</translation>
    </message>
    <message>
        <source>(on the server&apos;s command line)</source>
        <translation>(op de opdrachtregel van de server)</translation>
    </message>
    <message>
        <source>{name} ({connector})</source>
        <translation>{name} ({connector})</translation>
    </message>
    <message>
        <source>switched on</source>
        <translation>ingeschakeld</translation>
    </message>
    <message>
        <source>switched off</source>
        <translation>uitgeschakeld</translation>
    </message>
    <message>
        <source>connector → {v}</source>
        <translation>koppeling → {v}</translation>
    </message>
    <message>
        <source>settings changed: {v}</source>
        <translation>instellingen gewijzigd: {v}</translation>
    </message>
    <message>
        <source>secrets changed: {v}</source>
        <translation>geheimen gewijzigd: {v}</translation>
    </message>
    <message>
        <source>fetch every {v}</source>
        <translation>ophalen elke {v}</translation>
    </message>
    <message>
        <source>{error} (trying again in {delay})</source>
        <translation>{error} (nieuwe poging over {delay})</translation>
    </message>
    <message>
        <source>saved by {name}</source>
        <translation>opgeslagen door {name}</translation>
    </message>
    <message>
        <source>version {v}</source>
        <translation>versie {v}</translation>
    </message>
    <message>
        <source>time zone {tz}</source>
        <translation>tijdzone {tz}</translation>
    </message>
    <message>
        <source>on</source>
        <translation>aan</translation>
    </message>
    <message>
        <source>off</source>
        <translation>uit</translation>
    </message>
    <message>
        <source>until the customer writes again</source>
        <translation>tot de klant weer schrijft</translation>
    </message>
    <message>
        <source>until {when}</source>
        <translation>tot {when}</translation>
    </message>
    <message>
        <source>unsnoozed</source>
        <translation>gewekt</translation>
    </message>
    <message>
        <source>claimed while snoozed</source>
        <translation>opgepakt tijdens het sluimeren</translation>
    </message>
    <message>
        <source>assigned while snoozed</source>
        <translation>toegewezen tijdens het sluimeren</translation>
    </message>
    <message>
        <source>resolved while snoozed</source>
        <translation>afgehandeld tijdens het sluimeren</translation>
    </message>
    <message>
        <source>{reason} (snoozed by {name})</source>
        <translation>{reason} (laten sluimeren door {name})</translation>
    </message>
    <message>
        <source>the customer wrote again; back for {name}</source>
        <translation>de klant schreef weer; terug voor {name}</translation>
    </message>
    <message>
        <source>its time came; back for {name}</source>
        <translation>de tijd was om; terug voor {name}</translation>
    </message>
    <message>
        <source>{contact} merged into {into}: one person, one history</source>
        <translation>{contact} samengevoegd met {into}: één persoon, één geschiedenis</translation>
    </message>
    <message>
        <source>{contact} split from {into}: separate histories again</source>
        <translation>{contact} losgemaakt van {into}: weer aparte geschiedenissen</translation>
    </message>
    <message>
        <source>{contact} and {other} are not the same person: not suggested again</source>
        <translation>{contact} en {other} zijn niet dezelfde persoon: niet meer voorgesteld</translation>
    </message>
    <message>
        <source>{name} held it until the claim ran out</source>
        <translation>{name} had hem opgepakt tot dat verliep</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>What</source>
        <translation>Wat</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Alles</translation>
    </message>
    <message>
        <source>Mentions</source>
        <translation>Vermeldingen</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanalen</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Contacten</translation>
    </message>
    <message>
        <source>Saved views</source>
        <translation>Opgeslagen weergaven</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wie</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Iedereen</translation>
    </message>
    <message>
        <source>Between</source>
        <translation>Tussen</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Van</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Tot en met</translation>
    </message>
    <message>
        <source>No entries match these filters.</source>
        <translation>Geen regels bij deze filters.</translation>
    </message>
    <message>
        <source>Choose another kind, person, action or period — or Everything, Anyone and Any action to see the whole log.</source>
        <translation>Kies een ander soort, persoon, actie of periode — of Alles, Iedereen en Elke actie voor de hele auditlog.</translation>
    </message>
    <message>
        <source>Nothing has been recorded yet.</source>
        <translation>Er is nog niets vastgelegd.</translation>
    </message>
    <message>
        <source>Sign-ins, claims, replies, status changes and every change to templates, accounts, channels and settings are listed here.</source>
        <translation>Aanmeldingen, opgepakte vermeldingen, antwoorden, statuswijzigingen en elke wijziging van sjablonen, accounts, kanalen en instellingen staan hier.</translation>
    </message>
    <message>
        <source>double-click a mention to open it in the inbox</source>
        <translation>dubbelklik op een vermelding om die in de inbox te openen</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Elke actie</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Tonen</translation>
    </message>
    <message>
        <source>Open in inbox</source>
        <translation>Openen in inbox</translation>
    </message>
    <message>
        <source>Show the selected entry&apos;s mention in the inbox</source>
        <translation>Toon de vermelding van de gekozen regel in de inbox</translation>
    </message>
    <message>
        <source>Older…</source>
        <translation>Ouder…</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Auditlog</translation>
    </message>
    <message>
        <source>when</source>
        <translation>wanneer</translation>
    </message>
    <message>
        <source>who</source>
        <translation>wie</translation>
    </message>
    <message>
        <source>action</source>
        <translation>actie</translation>
    </message>
    <message>
        <source>what</source>
        <translation>wat</translation>
    </message>
    <message>
        <source>details</source>
        <translation>details</translation>
    </message>
    <message>
        <source>{n} entries</source>
        <translation>{n} regels</translation>
    </message>
</context>
<context>
    <name>Channel</name>
    <message>
        <source>{handle} on {platform}</source>
        <extracomment>a brand&apos;s account on a platform: &quot;@AppleSupport on Twitter&quot;, &quot;@kpn on Mastodon&quot;</extracomment>
        <translation>{handle} op {platform}</translation>
    </message>
</context>
<context>
    <name>ChannelDialog</name>
    <message>
        <source>Channel settings</source>
        <translation>Kanaalinstellingen</translation>
    </message>
    <message>
        <source>Add a channel</source>
        <translation>Kanaal toevoegen</translation>
    </message>
    <message>
        <source>Connector</source>
        <translation>Koppeling</translation>
    </message>
    <message>
        <source>e.g. &quot;@KPN on Mastodon&quot;</source>
        <translation>bijv. &quot;@KPN op Mastodon&quot;</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Brand</source>
        <translation>Merk</translation>
    </message>
    <message>
        <source>Handle</source>
        <translation>Handle</translation>
    </message>
    <message>
        <source>Fetch every</source>
        <translation>Ophalen elke</translation>
    </message>
    <message>
        <source>retries are exactly-once (lookup by our reference)</source>
        <translation>herhalingen komen precies één keer aan (opzoeken via onze referentie)</translation>
    </message>
    <message>
        <source>retries are exactly-once (idempotency key)</source>
        <translation>herhalingen komen precies één keer aan (idempotentiesleutel)</translation>
    </message>
    <message>
        <source>a retry first looks for an earlier post</source>
        <translation>een herhaling zoekt eerst naar een eerder bericht</translation>
    </message>
    <message>
        <source>listen-only or at-least-once</source>
        <translation>alleen meelezen of minstens één keer</translation>
    </message>
    <message>
        <source>never sent twice: a reply cut off mid-way waits for an agent to check the chat</source>
        <translation>nooit twee keer verstuurd: een halverwege afgebroken antwoord wacht tot een agent de chat heeft bekeken</translation>
    </message>
    <message>
        <source>Replies: {r} · {l}</source>
        <translation>Antwoorden: {r} · {l}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no (listen-only)</source>
        <translation>nee (alleen meelezen)</translation>
    </message>
    <message>
        <source>set — leave empty to keep</source>
        <translation>ingesteld — leeg laten om te behouden</translation>
    </message>
    <message>
        <source>not set (or env:VARIABLE)</source>
        <translation>niet ingesteld (of env:VARIABELE)</translation>
    </message>
    <message>
        <source>one per line</source>
        <translation>één per regel</translation>
    </message>
</context>
<context>
    <name>ChannelsView</name>
    <message>
        <source>Channels</source>
        <translation>Kanalen</translation>
    </message>
    <message>
        <source>There are no channels yet.</source>
        <translation>Er zijn nog geen kanalen.</translation>
    </message>
    <message>
        <source>Press Add channel… to connect Mastodon, Bluesky, X, e-mail, RSS/Atom or a webhook. Imported history shows up here as an import-only channel.</source>
        <translation>Kies Kanaal toevoegen… om Mastodon, Bluesky, X, e-mail, RSS/Atom of een webhook te koppelen. Geïmporteerde geschiedenis staat hier als kanaal met alleen import.</translation>
    </message>
    <message>
        <source>Add channel…</source>
        <translation>Kanaal toevoegen…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Instellingen…</translation>
    </message>
    <message>
        <source>Fetch now</source>
        <translation>Nu ophalen</translation>
    </message>
    <message>
        <source>Switch off</source>
        <translation>Uitschakelen</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>kanaal</translation>
    </message>
    <message>
        <source>platform</source>
        <translation>platform</translation>
    </message>
    <message>
        <source>connector</source>
        <translation>koppeling</translation>
    </message>
    <message>
        <source>on</source>
        <translation>ingeschakeld</translation>
    </message>
    <message>
        <source>last fetch</source>
        <translation>laatst opgehaald</translation>
    </message>
    <message>
        <source>next fetch</source>
        <translation>volgende keer ophalen</translation>
    </message>
    <message>
        <source>mentions fetched</source>
        <translation>vermeldingen opgehaald</translation>
    </message>
    <message>
        <source>last error</source>
        <translation>laatste fout</translation>
    </message>
    <message>
        <source>import only</source>
        <translation>alleen import</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <source>pushed to us</source>
        <translation>wordt naar ons gestuurd</translation>
    </message>
    <message>
        <source>off</source>
        <translation>uit</translation>
    </message>
    <message>
        <source>now</source>
        <translation>nu</translation>
    </message>
    <message>
        <source>in {t}</source>
        <translation>over {t}</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}: {error}</translation>
    </message>
    <message>
        <source>Switch on</source>
        <translation>Inschakelen</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Opgeslagen.</translation>
    </message>
    <message>
        <source>Fetching {name} now.</source>
        <translation>{name} wordt nu opgehaald.</translation>
    </message>
    <message>
        <source>Added {name}.</source>
        <translation>{name} toegevoegd.</translation>
    </message>
    <message>
        <source>{name} (shown once, keep it safe): {value}</source>
        <translation>{name} (wordt maar één keer getoond, bewaar het goed): {value}</translation>
    </message>
    <message>
        <source>Callback URL for the platform: {url}</source>
        <translation>Callback-URL voor het platform: {url}</translation>
    </message>
    <message>
        <source>Saved {name}.</source>
        <translation>{name} opgeslagen.</translation>
    </message>
</context>
<context>
    <name>CheatSheet</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Sneltoetsen</translation>
    </message>
    <message>
        <source>Esc, ? or F1 closes this list.</source>
        <translation>Esc, ? of F1 sluit deze lijst.</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Reply text</source>
        <extracomment>How many images a reply to this mention may carry and why none (the connector&apos;s rule, from the mention&apos;s wire record); a private reply&apos;s, where one is possible. Uploaded images (the server&apos;s ``media`` records) the reply will carry.</extracomment>
        <translation>Antwoordtekst</translation>
    </message>
    <message>
        <source>Template…</source>
        <translation>Sjabloon…</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Interne notitie</translation>
    </message>
    <message>
        <source>Write a reply… (Ctrl+T: template, Ctrl+N: internal note, Ctrl+Enter: send)</source>
        <translation>Schrijf een antwoord… (Ctrl+T: sjabloon, Ctrl+N: interne notitie, Ctrl+Enter: versturen)</translation>
    </message>
    <message>
        <source>Pick a canned answer (Ctrl+T)</source>
        <translation>Kies een standaardantwoord (Ctrl+T)</translation>
    </message>
    <message>
        <source>Attach image…</source>
        <translation>Afbeelding bijvoegen…</translation>
    </message>
    <message>
        <source>Attach an image to the reply (Ctrl+Shift+A)</source>
        <translation>Voeg een afbeelding toe aan het antwoord (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Write a note only your team sees (Ctrl+N)</source>
        <translation>Schrijf een notitie die alleen je team ziet (Ctrl+N)</translation>
    </message>
    <message>
        <source>Private reply</source>
        <translation>Privé antwoorden</translation>
    </message>
    <message>
        <source>Answer the commenter in a private message instead of publicly (once per comment)</source>
        <translation>Antwoord de schrijver van de reactie in een privébericht in plaats van openbaar (één keer per reactie)</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>Tekens</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Verzenden</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>Verzenden (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Voorbeeld</translation>
    </message>
    <message>
        <source>Reply window</source>
        <translation>Antwoordvenster</translation>
    </message>
    <message>
        <source>Image {n}</source>
        <translation>Afbeelding {n}</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <source>Remove the attachment {name}</source>
        <translation>Bijlage {name} verwijderen</translation>
    </message>
    <message>
        <source>{platform} template…</source>
        <translation>{platform}-sjabloon…</translation>
    </message>
    <message>
        <source>Send an approved {platform} template (Ctrl+T)</source>
        <translation>Verstuur een goedgekeurd {platform}-sjabloon (Ctrl+T)</translation>
    </message>
    <message>
        <source>{reason} Remove the image to send the reply.</source>
        <translation>{reason} Haal de afbeelding weg om het antwoord te versturen.</translation>
    </message>
    <message>
        <source>This reply cannot carry images.</source>
        <translation>Dit antwoord kan geen afbeeldingen bevatten.</translation>
    </message>
    <message>
        <source>This reply can carry one image: remove {n} to send it.</source>
        <translation>Dit antwoord kan één afbeelding bevatten: haal er {n} weg om het te versturen.</translation>
    </message>
    <message>
        <source>This reply can carry {most} images: remove {n} to send it.</source>
        <translation>Dit antwoord kan {most} afbeeldingen bevatten: haal er {n} weg om het te versturen.</translation>
    </message>
    <message>
        <source>Fill in “{label}” before sending.</source>
        <translation>Vul „{label}” in voor je verstuurt.</translation>
    </message>
    <message>
        <source>“{label}” cannot contain {open} or {close}; type the value as plain text.</source>
        <translation>„{label}” mag geen {open} of {close} bevatten; typ de waarde als gewone tekst.</translation>
    </message>
    <message>
        <source>The text still contains {placeholder}: fill in the value there, or remove it.</source>
        <translation>De tekst bevat nog {placeholder}: vul daar de waarde in, of haal het weg.</translation>
    </message>
    <message>
        <source>Counted as Mastodon counts: the @mention put in front included, every link as 23 characters, a mention without its server.</source>
        <translation>Geteld zoals Mastodon telt: inclusief de @vermelding vooraan, elke link als 23 tekens, een vermelding zonder de servernaam.</translation>
    </message>
    <message>
        <source>Counted as X counts: every link as 23 characters, emoji and CJK characters as 2.</source>
        <translation>Geteld zoals X telt: elke link als 23 tekens, emoji en CJK-tekens als 2.</translation>
    </message>
    <message>
        <source>Counted as Bluesky counts: characters as you see them (an emoji is one), and at most {size} bytes.</source>
        <translation>Geteld zoals Bluesky telt: tekens zoals je ze ziet (een emoji is er één), en hoogstens {size} bytes.</translation>
    </message>
    <message>
        <source>this channel</source>
        <translation>dit kanaal</translation>
    </message>
    <message>
        <source>Too long: {platform} counts {count} characters, with {mention} put in front; the limit is {limit}. Shorten the reply to send it.</source>
        <translation>Te lang: {platform} telt {count} tekens, met {mention} ervoor; de grens is {limit}. Maak het antwoord korter om het te versturen.</translation>
    </message>
    <message>
        <source>Too long: {platform} counts {count} characters; the limit is {limit}. Shorten the reply to send it.</source>
        <translation>Te lang: {platform} telt {count} tekens; de grens is {limit}. Maak het antwoord korter om het te versturen.</translation>
    </message>
    <message>
        <source>Too long: {size} bytes, and {platform} allows {limit} (emoji and accented letters take several bytes). Shorten the reply to send it.</source>
        <translation>Te lang: {size} bytes, en {platform} staat er {limit} toe (emoji en letters met accenten nemen meerdere bytes in). Maak het antwoord korter om het te versturen.</translation>
    </message>
    <message>
        <source>{n} characters</source>
        <translation>{n} tekens</translation>
    </message>
    <message>
        <source>Will be sent as: {text}</source>
        <translation>Wordt verzonden als: {text}</translation>
    </message>
    <message>
        <source>Internal note — customers never see it.</source>
        <translation>Interne notitie — klanten zien deze nooit.</translation>
    </message>
    <message>
        <source>Attach an image to the reply (Ctrl+Shift+A); it can carry one</source>
        <translation>Een afbeelding aan het antwoord toevoegen (Ctrl+Shift+A); het kan er één bevatten</translation>
    </message>
    <message>
        <source>Attach an image to the reply (Ctrl+Shift+A); it can carry {n}</source>
        <translation>Een afbeelding aan het antwoord toevoegen (Ctrl+Shift+A); het kan er {n} bevatten</translation>
    </message>
    <message>
        <source>No images: {reason}</source>
        <translation>Geen afbeeldingen: {reason}</translation>
    </message>
    <message>
        <source>Save note</source>
        <translation>Notitie opslaan</translation>
    </message>
</context>
<context>
    <name>ContactsView</name>
    <message>
        <source>Suggested merges</source>
        <translation>Voorgestelde samenvoegingen</translation>
    </message>
    <message>
        <source>No merges to suggest.</source>
        <translation>Geen samenvoegingen voor te stellen.</translation>
    </message>
    <message>
        <source>When two contacts write from the same e-mail address, or use the same handle on two channels, they are suggested here. Merge them to see their history as one; a merge can be split again.</source>
        <translation>Als twee contacten vanaf hetzelfde e-mailadres schrijven, of op twee kanalen dezelfde gebruikersnaam hebben, worden ze hier voorgesteld. Voeg ze samen om hun geschiedenis als één te zien; een samenvoeging kun je weer splitsen.</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Samenvoegen</translation>
    </message>
    <message>
        <source>Merge the selected pair: one person, one history</source>
        <translation>Voeg het gekozen paar samen: één persoon, één geschiedenis</translation>
    </message>
    <message>
        <source>Not the same person</source>
        <translation>Niet dezelfde persoon</translation>
    </message>
    <message>
        <source>Do not suggest this pair again</source>
        <translation>Stel dit paar niet meer voor</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Search contacts by handle, name or address</source>
        <translation>Zoek contacten op gebruikersnaam, naam of adres</translation>
    </message>
    <message>
        <source>Search contacts</source>
        <translation>Contacten zoeken</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Contacten</translation>
    </message>
    <message>
        <source>No contact found.</source>
        <translation>Geen contact gevonden.</translation>
    </message>
    <message>
        <source>Search for a handle, a name or an e-mail address; select two to merge.</source>
        <translation>Zoek op een gebruikersnaam, een naam of een e-mailadres; kies er twee om samen te voegen.</translation>
    </message>
    <message>
        <source>Merge the two selected</source>
        <translation>Voeg de twee gekozen samen</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Splitsen</translation>
    </message>
    <message>
        <source>Undo this contact&apos;s merge: separate histories</source>
        <translation>Maak de samenvoeging van dit contact ongedaan: aparte geschiedenissen</translation>
    </message>
    <message>
        <source>Type a handle, a name or an address to search for.</source>
        <translation>Typ een gebruikersnaam, een naam of een adres om op te zoeken.</translation>
    </message>
    <message>
        <source>same e-mail address {value}</source>
        <translation>zelfde e-mailadres {value}</translation>
    </message>
    <message>
        <source>same handle “{value}”</source>
        <translation>zelfde gebruikersnaam “{value}”</translation>
    </message>
    <message>
        <source>1 mention</source>
        <translation>1 vermelding</translation>
    </message>
    <message>
        <source>{n} mentions</source>
        <translation>{n} vermeldingen</translation>
    </message>
    <message>
        <source>{n} merged into it</source>
        <translation>{n} ermee samengevoegd</translation>
    </message>
    <message>
        <source>why</source>
        <translation>waarom</translation>
    </message>
    <message>
        <source>contact</source>
        <translation>contact</translation>
    </message>
    <message>
        <source>channels</source>
        <translation>kanalen</translation>
    </message>
    <message>
        <source>to merge into it</source>
        <translation>om ermee samen te voegen</translation>
    </message>
    <message>
        <source>Find any two contacts to merge, or a merged one to split.</source>
        <translation>Zoek twee contacten om samen te voegen, of een samengevoegd contact om te splitsen.</translation>
    </message>
    <message>
        <source>merged into {contact}</source>
        <translation>samengevoegd met {contact}</translation>
    </message>
    <message>
        <source>name</source>
        <translation>naam</translation>
    </message>
    <message>
        <source>mentions</source>
        <translation>vermeldingen</translation>
    </message>
    <message>
        <source>merged</source>
        <translation>samengevoegd</translation>
    </message>
    <message>
        <source>Select two contacts first.</source>
        <translation>Kies eerst twee contacten.</translation>
    </message>
    <message>
        <source>Select one merged contact first.</source>
        <translation>Kies eerst één samengevoegd contact.</translation>
    </message>
    <message>
        <source>Select a suggested merge first.</source>
        <translation>Kies eerst een voorgestelde samenvoeging.</translation>
    </message>
    <message>
        <source>These two are merged already.</source>
        <translation>Deze twee zijn al samengevoegd.</translation>
    </message>
    <message>
        <source>These two were merged already.</source>
        <translation>Deze twee waren al samengevoegd.</translation>
    </message>
    <message>
        <source>Merged {contact} into {into}: one history in every inbox (recorded in the audit log).</source>
        <translation>{contact} samengevoegd met {into}: één geschiedenis in elke inbox (vastgelegd in het auditlog).</translation>
    </message>
    <message>
        <source>This contact was not merged.</source>
        <translation>Dit contact was niet samengevoegd.</translation>
    </message>
    <message>
        <source>Split {contact}: its history is its own again (in the audit log).</source>
        <translation>{contact} gesplitst: de geschiedenis is weer apart (in het auditlog).</translation>
    </message>
    <message>
        <source>This pair will not be suggested again.</source>
        <translation>Dit paar wordt niet meer voorgesteld.</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Conversation</source>
        <translation>Gesprek</translation>
    </message>
    <message>
        <source>Put text back in the composer</source>
        <extracomment>Where the files of messages come from (set by the controller; None: chips only).</extracomment>
        <translation>Tekst terugzetten in het antwoordveld</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Negeren</translation>
    </message>
    <message>
        <source>Go to this mention</source>
        <translation>Ga naar deze vermelding</translation>
    </message>
    <message>
        <source>Select it in the queue (under All)</source>
        <translation>Selecteer hem in de wachtrij (onder Alle)</translation>
    </message>
    <message>
        <source>Try delivering again</source>
        <translation>Opnieuw bezorgen</translation>
    </message>
</context>
<context>
    <name>DayHours</name>
    <message>
        <source>Closed</source>
        <translation>Gesloten</translation>
    </message>
    <message>
        <source>{day} closed</source>
        <translation>{day} gesloten</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 uur</translation>
    </message>
    <message>
        <source>{day} open 24 hours</source>
        <translation>{day} 24 uur open</translation>
    </message>
    <message>
        <source>Add an opening span (for a break in the day)</source>
        <translation>Openingstijd toevoegen (voor een pauze op de dag)</translation>
    </message>
    <message>
        <source>Add an opening span to {day}</source>
        <translation>Openingstijd toevoegen aan {day}</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>Go to it</source>
        <extracomment>each view&apos;s key (Ctrl+5 … are the saved views&apos;, SAVED_VIEW_KEYS)</extracomment>
        <translation>Ga ernaartoe</translation>
    </message>
    <message>
        <source>Who is working on this mention</source>
        <translation>Wie met deze vermelding bezig is</translation>
    </message>
    <message>
        <source>What happened on the platform</source>
        <translation>Wat er op het platform gebeurde</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>Oppakken</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Vrijgeven</translation>
    </message>
    <message>
        <source>Hand over…</source>
        <translation>Overdragen…</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Afhandelen</translation>
    </message>
    <message>
        <source>Spam</source>
        <translation>Spam</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Heropenen</translation>
    </message>
    <message>
        <source>Snooze</source>
        <translation>Sluimeren</translation>
    </message>
    <message>
        <source>Unsnooze</source>
        <translation>Wekken</translation>
    </message>
    <message>
        <source>Select a mention (J/K to move, C to claim).</source>
        <translation>Kies een vermelding (J/K om te bladeren, C om op te pakken).</translation>
    </message>
    <message>
        <source>{n} followers</source>
        <translation>{n} volgers</translation>
    </message>
    <message>
        <source>also {handles}</source>
        <translation>ook {handles}</translation>
    </message>
    <message>
        <source>No earlier conversations with this author.</source>
        <translation>Nog geen eerdere gesprekken met deze auteur.</translation>
    </message>
    <message>
        <source>{n} resolved</source>
        <translation>{n} afgehandeld</translation>
    </message>
    <message>
        <source>{n} answered</source>
        <translation>{n} beantwoord</translation>
    </message>
    <message>
        <source>{n} spam</source>
        <translation>{n} spam</translation>
    </message>
    <message>
        <source>1 earlier conversation: {outcomes}</source>
        <translation>1 eerder gesprek: {outcomes}</translation>
    </message>
    <message>
        <source>{n} earlier conversations: {outcomes}</source>
        <translation>{n} eerdere gesprekken: {outcomes}</translation>
    </message>
    <message>
        <source>{history}; last {day}</source>
        <translation>{history}; laatst {day}</translation>
    </message>
    <message>
        <source>Tags: {tags} · earlier: {earlier}</source>
        <translation>Tags: {tags} · eerder: {earlier}</translation>
    </message>
    <message>
        <source>Tags: {tags}</source>
        <translation>Tags: {tags}</translation>
    </message>
    <message>
        <source>Earlier tags: {earlier}</source>
        <translation>Eerdere tags: {earlier}</translation>
    </message>
    <message>
        <source>1 other open mention from this author</source>
        <translation>Nog 1 open vermelding van deze auteur</translation>
    </message>
    <message>
        <source>{n} other open mentions from this author</source>
        <translation>Nog {n} open vermeldingen van deze auteur</translation>
    </message>
    <message>
        <source>Go to the newest</source>
        <translation>Ga naar de nieuwste</translation>
    </message>
    <message>
        <source>Go to their newest open mention ({when}): {text}</source>
        <translation>Naar de nieuwste open vermelding van deze auteur ({when}): {text}</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{s}s</source>
        <extracomment>the locale of each interface language, for when the system&apos;s speaks another one</extracomment>
        <translation>{s}s</translation>
    </message>
    <message>
        <source>{m}m {s}s</source>
        <translation>{m}m {s}s</translation>
    </message>
    <message>
        <source>{h}h {m}m</source>
        <translation>{h}u {m}m</translation>
    </message>
    <message>
        <source>{d}d {h}h</source>
        <translation>{d}d {h}u</translation>
    </message>
</context>
<context>
    <name>ExportButton</name>
    <message>
        <source>Export CSV…</source>
        <extracomment>(row, column) -&gt; plain text shown as the cell&apos;s tooltip (escaped: never markup) the column whose cells open something on double-click, and which rows do</extracomment>
        <translation>CSV exporteren…</translation>
    </message>
    <message>
        <source>Save this table as a CSV file</source>
        <translation>Deze tabel opslaan als CSV-bestand</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exporteren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-bestanden (*.csv)</translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>Kon {path} niet opslaan: {reason}</translation>
    </message>
</context>
<context>
    <name>HandoverPicker</name>
    <message>
        <source>Hand over to a colleague</source>
        <extracomment>as long as the server takes (``services.claims.MAX_HANDOVER_NOTE``)</extracomment>
        <translation>Overdragen aan een collega</translation>
    </message>
    <message>
        <source>Hand {who} over: the claim moves to your colleague at once, and a reply you queued for it is not sent.</source>
        <translation>{who} overdragen: je collega pakt de vermelding meteen over, en een antwoord dat jij ervoor in de wachtrij hebt staan wordt niet verzonden.</translation>
    </message>
    <message>
        <source>Type a name to filter</source>
        <translation>Typ een naam om te filteren</translation>
    </message>
    <message>
        <source>Filter colleagues</source>
        <translation>Collega&apos;s filteren</translation>
    </message>
    <message>
        <source>Colleagues</source>
        <translation>Collega&apos;s</translation>
    </message>
    <message>
        <source>A note for them (optional), e.g. “knows this customer”</source>
        <translation>Een notitie voor je collega (niet verplicht), bijv. ‘kent deze klant’</translation>
    </message>
    <message>
        <source>Note for your colleague</source>
        <translation>Notitie voor je collega</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Overdragen</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notitie</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>away</source>
        <translation>afwezig</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>teamleider</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>{name} ({role}) — {presence}</source>
        <translation>{name} ({role}) — {presence}</translation>
    </message>
    <message>
        <source>Nobody matches “{text}”.</source>
        <translation>Niemand past bij ‘{text}’.</translation>
    </message>
    <message>
        <source>There is no colleague who can take mentions.</source>
        <translation>Er is geen collega die vermeldingen kan oppakken.</translation>
    </message>
    <message>
        <source>{name} is offline: they see it when they are back, unless their claim runs out first (then it is back in Unclaimed).</source>
        <translation>{name} is offline: die ziet het bij terugkomst, tenzij de claim eerder verloopt (dan staat de vermelding weer bij Niet opgepakt).</translation>
    </message>
    <message>
        <source>{name} is connected but has said they are away.</source>
        <translation>{name} is verbonden, maar heeft zich afwezig gemeld.</translation>
    </message>
    <message>
        <source>{name} is online and is told at once.</source>
        <translation>{name} is online en krijgt meteen een melding.</translation>
    </message>
</context>
<context>
    <name>Heatmap</name>
    <message>
        <source>Mentions per weekday and hour</source>
        <translation>Vermeldingen per weekdag en uur</translation>
    </message>
    <message>
        <source>{n} mentions; busiest hour has {p}</source>
        <translation>{n} vermeldingen; het drukste uur heeft er {p}</translation>
    </message>
    <message>
        <source>{peak} mentions in the busiest hour · {total} in total</source>
        <translation>{peak} vermeldingen in het drukste uur · {total} in totaal</translation>
    </message>
    <message>
        <source>{day} {start}–{end}: 1 mention</source>
        <translation>{day} {start}–{end}: 1 vermelding</translation>
    </message>
    <message>
        <source>{day} {start}–{end}: {n} mentions</source>
        <translation>{day} {start}–{end}: {n} vermeldingen</translation>
    </message>
</context>
<context>
    <name>HolidayList</name>
    <message>
        <source>Holiday to add</source>
        <translation>Feestdag om toe te voegen</translation>
    </message>
    <message>
        <source>Add holiday</source>
        <translation>Feestdag toevoegen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Feestdagen</translation>
    </message>
    <message>
        <source>No holidays yet: pick a date and press Add holiday.</source>
        <translation>Nog geen feestdagen: kies een datum en klik op Feestdag toevoegen.</translation>
    </message>
    <message>
        <source>That date is already a holiday.</source>
        <translation>Die datum is al een feestdag.</translation>
    </message>
</context>
<context>
    <name>InboxActions</name>
    <message>
        <source>You are offline: claiming needs the team server. Try again when it is back.</source>
        <extracomment>the team&apos;s business hours (for the snooze presets): the store&apos;s copy, then the server&apos;s; open around the clock in UTC until either is known (the server&apos;s default)</extracomment>
        <translation>Je bent offline: oppakken kan alleen via de teamserver. Probeer het opnieuw als die terug is.</translation>
    </message>
    <message>
        <source>Claimed {who}. Your reply is yours to write.</source>
        <translation>{who} opgepakt. Het antwoord is aan jou.</translation>
    </message>
    <message>
        <source>{name} is already replying to this mention (claim ends in {t}).</source>
        <translation>{name} is deze vermelding al aan het beantwoorden (claim verloopt over {t}).</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>Iemand</translation>
    </message>
    <message>
        <source>You are offline: releasing needs the team server. Try again when it is back.</source>
        <translation>Je bent offline: vrijgeven kan alleen via de teamserver. Probeer het opnieuw als die terug is.</translation>
    </message>
    <message>
        <source>Released {who}: it is back in the queue.</source>
        <translation>{who} vrijgegeven: terug in de wachtrij.</translation>
    </message>
    <message>
        <source>Could not release {who}: {reason}</source>
        <translation>Kon {who} niet vrijgeven: {reason}</translation>
    </message>
    <message>
        <source>{who} is closed: reopen it (Shift+E) before handing it over.</source>
        <translation>{who} is gesloten: heropen de vermelding (Shift+E) voordat je hem overdraagt.</translation>
    </message>
    <message>
        <source>You can only hand over a mention you hold: claim it first (C).</source>
        <translation>Je kunt alleen een vermelding overdragen die jij hebt opgepakt: pak hem eerst op (C).</translation>
    </message>
    <message>
        <source>You are offline: handing over needs the team server. Try again when it is back.</source>
        <translation>Je bent offline: overdragen kan alleen via de teamserver. Probeer het opnieuw als die weer bereikbaar is.</translation>
    </message>
    <message>
        <source>Could not ask who is online: {reason}</source>
        <translation>Kon niet opvragen wie er online is: {reason}</translation>
    </message>
    <message>
        <source>Nothing handed over.</source>
        <translation>Niets overgedragen.</translation>
    </message>
    <message>
        <source>Handed {who} over to {name}.</source>
        <translation>{who} overgedragen aan {name}.</translation>
    </message>
    <message>
        <source>Could not hand {who} over to {name}: {reason}</source>
        <translation>Kon {who} niet overdragen aan {name}: {reason}</translation>
    </message>
    <message>
        <source>Resolve a mention nobody claimed?</source>
        <translation>Een vermelding afhandelen die niemand heeft opgepakt?</translation>
    </message>
    <message>
        <source>Resolve {who}? You have not claimed it.</source>
        <translation>{who} afhandelen? Je hebt deze vermelding niet opgepakt.</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Afhandelen</translation>
    </message>
    <message>
        <source>Mark a mention nobody claimed as spam?</source>
        <translation>Een vermelding die niemand heeft opgepakt als spam markeren?</translation>
    </message>
    <message>
        <source>Mark {who} as spam? You have not claimed it.</source>
        <translation>{who} als spam markeren? Je hebt deze vermelding niet opgepakt.</translation>
    </message>
    <message>
        <source>Mark as &amp;spam</source>
        <translation>Als &amp;spam markeren</translation>
    </message>
    <message>
        <source>“{text}”

It leaves the queue for the whole team.</source>
        <translation>“{text}”

Ze verdwijnt voor het hele team uit de wachtrij.</translation>
    </message>
    <message>
        <source>&amp;Keep it open</source>
        <translation>&amp;Open laten</translation>
    </message>
    <message>
        <source>Nothing changed: {who} stays open.</source>
        <translation>Niets veranderd: {who} blijft open.</translation>
    </message>
    <message>
        <source>{who} is no longer selected; nothing changed.</source>
        <translation>{who} is niet meer geselecteerd; niets veranderd.</translation>
    </message>
    <message>
        <source>Resolved {who}.</source>
        <translation>{who} afgehandeld.</translation>
    </message>
    <message>
        <source>Marked {who} as spam.</source>
        <translation>{who} als spam gemarkeerd.</translation>
    </message>
    <message>
        <source>Reopened {who}: it is open again.</source>
        <translation>{who} heropend: weer open.</translation>
    </message>
    <message>
        <source>{who} is no longer selected; nothing was snoozed.</source>
        <translation>{who} is niet meer geselecteerd; er is niets gesluimerd.</translation>
    </message>
    <message>
        <source>{who} is back in the queue.</source>
        <translation>{who} staat weer in de wachtrij.</translation>
    </message>
    <message>
        <source>Snoozed {who} until the customer writes again.</source>
        <translation>{who} sluimert tot de klant weer schrijft.</translation>
    </message>
    <message>
        <source>Snoozed {who} until {when}.</source>
        <translation>{who} sluimert tot {when}.</translation>
    </message>
</context>
<context>
    <name>InboxCompose</name>
    <message>
        <source>{name} holds this mention; your text stays here.</source>
        <translation>{name} heeft deze vermelding opgepakt; je tekst blijft hier staan.</translation>
    </message>
    <message>
        <source>This mention is {s}; reopen it first (Shift+E).</source>
        <translation>Deze vermelding is {s}; heropen haar eerst (Shift+E).</translation>
    </message>
    <message>
        <source>Note saved on {who}.</source>
        <translation>Notitie opgeslagen bij {who}.</translation>
    </message>
    <message>
        <source>Reply to {who} queued; it is sent as soon as the server has it.</source>
        <translation>Antwoord aan {who} klaargezet; het wordt verzonden zodra de server het heeft.</translation>
    </message>
    <message>
        <source>You are offline: the approved templates come from the team server.</source>
        <translation>Je bent offline: de goedgekeurde sjablonen komen van de teamserver.</translation>
    </message>
    <message>
        <source>The approved templates could not be loaded: {error}</source>
        <translation>De goedgekeurde sjablonen konden niet worden geladen: {error}</translation>
    </message>
    <message>
        <source>Attach an image</source>
        <translation>Een afbeelding bijvoegen</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.gif *.webp)</source>
        <translation>Afbeeldingen (*.png *.jpg *.jpeg *.gif *.webp)</translation>
    </message>
    <message>
        <source>This channel only listens: there is no reply to attach an image to.</source>
        <translation>Dit kanaal luistert alleen: er is geen antwoord om een afbeelding bij te voegen.</translation>
    </message>
    <message>
        <source>{reason} Send the text alone.</source>
        <translation>{reason} Verstuur alleen de tekst.</translation>
    </message>
    <message>
        <source>Replies on {channel} cannot carry images. Send the text, or answer with the image on the platform itself.</source>
        <translation>Antwoorden op {channel} kunnen geen afbeeldingen bevatten. Verstuur de tekst, of antwoord met de afbeelding op het platform zelf.</translation>
    </message>
    <message>
        <source>An internal note cannot carry images; switch off Internal note.</source>
        <translation>Een interne notitie kan geen afbeeldingen bevatten; zet Interne notitie uit.</translation>
    </message>
    <message>
        <source>This reply can carry one image, and it has one.</source>
        <translation>Dit antwoord kan één afbeelding bevatten, en heeft er al één.</translation>
    </message>
    <message>
        <source>This reply can carry {n} images, and it has them.</source>
        <translation>Dit antwoord kan {n} afbeeldingen bevatten, en heeft ze al.</translation>
    </message>
    <message>
        <source>this channel</source>
        <translation>dit kanaal</translation>
    </message>
    <message>
        <source>Uploading {name}…</source>
        <translation>{name} wordt geüpload…</translation>
    </message>
    <message>
        <source>it is {size}; {channel} takes images up to {limit}.</source>
        <translation>het is {size}; {channel} neemt afbeeldingen tot {limit}.</translation>
    </message>
    <message>
        <source>{name} is attached to the reply.</source>
        <translation>{name} is bij het antwoord gevoegd.</translation>
    </message>
    <message>
        <source>{name} is attached already, or the reply carries as many images as it can.</source>
        <translation>{name} is al bijgevoegd, of het antwoord heeft al zoveel afbeeldingen als het kan bevatten.</translation>
    </message>
    <message>
        <source>the team server cannot be reached. An image is uploaded when you attach it, so attach it again once you are online; the text can be queued now.</source>
        <translation>de teamserver is niet bereikbaar. Een afbeelding wordt geüpload zodra je hem bijvoegt, dus voeg hem opnieuw toe als je weer online bent; de tekst kan nu al in de wachtrij.</translation>
    </message>
    <message>
        <source>{name} was not attached: {reason}</source>
        <translation>{name} is niet bijgevoegd: {reason}</translation>
    </message>
    <message>
        <source>Asking the server to deliver it again…</source>
        <translation>De server wordt gevraagd het opnieuw te bezorgen…</translation>
    </message>
    <message>
        <source>The reply is queued for delivery again.</source>
        <translation>Het antwoord staat weer in de wachtrij om bezorgd te worden.</translation>
    </message>
</context>
<context>
    <name>InboxController</name>
    <message>
        <source>agent</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>teamleider</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
</context>
<context>
    <name>InboxPane</name>
    <message>
        <source>Offline: your claim ends in {t} and cannot be renewed until the server is back. It may lapse; then someone else can take this mention.</source>
        <translation>Offline: je claim verloopt over {t} en kan pas worden verlengd als de server terug is. Hij kan verlopen; dan kan iemand anders deze vermelding oppakken.</translation>
    </message>
    <message>
        <source>{name} handed this to you — your claim ends in {t}.</source>
        <translation>{name} heeft dit aan jou overgedragen — je claim verloopt over {t}.</translation>
    </message>
    <message>
        <source>You are working on this — your claim ends in {t}.</source>
        <translation>Jij werkt hieraan — je claim verloopt over {t}.</translation>
    </message>
    <message>
        <source>{name} is replying… for {since} (claim ends in {t})</source>
        <translation>{name} is aan het antwoorden… al {since} (claim verloopt over {t})</translation>
    </message>
    <message>
        <source>{name} is replying… (claim ends in {t})</source>
        <translation>{name} is aan het antwoorden… (claim verloopt over {t})</translation>
    </message>
    <message>
        <source>{name} holds this mention; you cannot reply until it is free.</source>
        <translation>{name} heeft deze vermelding opgepakt; je kunt pas antwoorden als ze is vrijgegeven.</translation>
    </message>
    <message>
        <source>This mention is {status}.</source>
        <translation>Deze vermelding is {status}.</translation>
    </message>
    <message>
        <source>Reopen it (Shift+E) before replying.</source>
        <translation>Heropen haar (Shift+E) voordat je antwoordt.</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Beantwoord</translation>
    </message>
    <message>
        <source>Unclaimed</source>
        <translation>Niet opgepakt</translation>
    </message>
    <message>
        <source>press C to claim</source>
        <translation>druk op C om op te pakken</translation>
    </message>
    <message>
        <source>claiming needs the team server (offline)</source>
        <translation>oppakken kan alleen via de teamserver (offline)</translation>
    </message>
    <message>
        <source>{channel} is listen-only: replies cannot be posted there. Open it on the platform (O) to respond, then resolve it (E).</source>
        <translation>{channel} is alleen om mee te lezen: antwoorden kunnen daar niet geplaatst worden. Open de vermelding op het platform (O) om te reageren en handel haar daarna af (E).</translation>
    </message>
    <message>
        <source>This channel</source>
        <translation>Dit kanaal</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>geen reden opgegeven</translation>
    </message>
    <message>
        <source>Could not hide this comment — {reason} Hide it on {platform} yourself, or reopen it (Shift+E) and mark it as spam again (!) to try once more.</source>
        <translation>Deze reactie kon niet worden verborgen — {reason} Verberg hem zelf op {platform}, of heropen de vermelding (Shift+E) en markeer hem opnieuw als spam (!) om het nog eens te proberen.</translation>
    </message>
    <message>
        <source>Hidden on {platform}: the comment no longer shows there.</source>
        <translation>Verborgen op {platform}: de reactie is daar niet meer te zien.</translation>
    </message>
    <message>
        <source>Hiding this comment on {platform}…</source>
        <translation>Deze reactie wordt verborgen op {platform}…</translation>
    </message>
    <message>
        <source>Could not show this comment again — {reason} Unhide it on {platform} yourself.</source>
        <translation>Deze reactie kon niet weer zichtbaar worden gemaakt — {reason} Maak hem zelf weer zichtbaar op {platform}.</translation>
    </message>
    <message>
        <source>Showing this comment on {platform} again…</source>
        <translation>Deze reactie wordt weer zichtbaar gemaakt op {platform}…</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>iemand</translation>
    </message>
    <message>
        <source>Snoozed until {when} by {name}.</source>
        <translation>Sluimert tot {when}, door {name}.</translation>
    </message>
    <message>
        <source>Snoozed until the customer writes again, by {name}.</source>
        <translation>Sluimert tot de klant weer schrijft, door {name}.</translation>
    </message>
    <message>
        <source>(Not sent yet: it goes to the team server when it is back.)</source>
        <translation>(Nog niet verstuurd: dat gebeurt zodra de teamserver terug is.)</translation>
    </message>
    <message>
        <source>Shift+S brings it back now.</source>
        <translation>Shift+S haalt de vermelding nu terug.</translation>
    </message>
    <message>
        <source>{t} left to reply: {channel} takes replies up to {window} after the customer&apos;s last message.</source>
        <translation>Nog {t} om te antwoorden: {channel} neemt antwoorden aan tot {window} na het laatste bericht van de klant.</translation>
    </message>
    <message>
        <source>{t} left to reply.</source>
        <translation>Nog {t} om te antwoorden.</translation>
    </message>
    <message>
        <source>The customer last wrote {ago} ago; after {window} {platform} only delivers an approved template message. Choose one with Template… (Ctrl+T), or add a note (Ctrl+N) or resolve it (E).</source>
        <translation>De klant schreef {ago} geleden voor het laatst; na {window} bezorgt {platform} alleen nog een goedgekeurd sjabloonbericht. Kies er een met Sjabloon… (Ctrl+T), of voeg een notitie toe (Ctrl+N) of handel de vermelding af (E).</translation>
    </message>
    <message>
        <source>The customer last wrote {ago} ago; {channel} only takes a reply within {window} of their last message. You can answer when they write again; meanwhile add a note (Ctrl+N) or resolve it (E).</source>
        <translation>De klant schreef {ago} geleden voor het laatst; {channel} neemt alleen een antwoord aan binnen {window} na het laatste bericht. Je kunt antwoorden zodra de klant weer schrijft; voeg intussen een notitie toe (Ctrl+N) of handel de vermelding af (E).</translation>
    </message>
    <message>
        <source>The reply window of {channel} has closed. You can answer when the customer writes again; meanwhile add a note (Ctrl+N) or resolve it (E).</source>
        <translation>Het antwoordvenster van {channel} is gesloten. Je kunt antwoorden zodra de klant weer schrijft; voeg intussen een notitie toe (Ctrl+N) of handel de vermelding af (E).</translation>
    </message>
    <message>
        <source>open</source>
        <comment>mention status</comment>
        <translation>open</translation>
    </message>
    <message>
        <source>claimed</source>
        <comment>mention status</comment>
        <translation>opgepakt</translation>
    </message>
    <message>
        <source>answered</source>
        <comment>mention status</comment>
        <translation>beantwoord</translation>
    </message>
    <message>
        <source>closed</source>
        <comment>mention status</comment>
        <translation>afgehandeld</translation>
    </message>
    <message>
        <source>spam</source>
        <comment>mention status</comment>
        <translation>als spam gemarkeerd</translation>
    </message>
    <message>
        <source>Claiming needs the team server; you are offline.</source>
        <translation>Oppakken kan alleen via de teamserver; je bent offline.</translation>
    </message>
    <message>
        <source>Claim (C)</source>
        <translation>Oppakken (C)</translation>
    </message>
    <message>
        <source>Releasing needs the team server; you are offline.</source>
        <translation>Vrijgeven kan alleen via de teamserver; je bent offline.</translation>
    </message>
    <message>
        <source>Release (U)</source>
        <translation>Vrijgeven (U)</translation>
    </message>
    <message>
        <source>Handing over needs the team server; you are offline.</source>
        <translation>Overdragen kan alleen via de teamserver; je bent offline.</translation>
    </message>
    <message>
        <source>Hand over to a colleague (H)</source>
        <translation>Overdragen aan een collega (H)</translation>
    </message>
</context>
<context>
    <name>InboxQueue</name>
    <message>
        <source>All channels</source>
        <translation>Alle kanalen</translation>
    </message>
    <message>
        <source>That mention is not on this computer yet.</source>
        <translation>Die vermelding staat nog niet op deze computer.</translation>
    </message>
    <message>
        <source>{who} is no longer in {view}; choose a mention (J/K).</source>
        <translation>{who} staat niet meer in {view}; kies een vermelding (J/K).</translation>
    </message>
    <message>
        <source>Claimed {who}: it is under Mine now.</source>
        <translation>{who} opgepakt: staat nu onder Van mij.</translation>
    </message>
    <message>
        <source>No mentions match “{q}”.</source>
        <translation>Geen vermeldingen gevonden voor “{q}”.</translation>
    </message>
    <message>
        <source>More than {n} mentions match “{q}” (scroll for more).</source>
        <translation>Meer dan {n} vermeldingen gevonden voor “{q}” (scroll voor meer).</translation>
    </message>
    <message>
        <source>1 mention matches “{q}”.</source>
        <translation>1 vermelding gevonden voor “{q}”.</translation>
    </message>
    <message>
        <source>{n} mentions match “{q}”.</source>
        <translation>{n} vermeldingen gevonden voor “{q}”.</translation>
    </message>
</context>
<context>
    <name>InboxSavedViews</name>
    <message>
        <source>The saved view you had open is gone; the queue keeps its filters.</source>
        <translation>De opgeslagen weergave die open stond is weg; de wachtrij houdt haar filters.</translation>
    </message>
    <message>
        <source>There is no saved view {n} yet: save one with {key}.</source>
        <translation>Er is nog geen opgeslagen weergave {n}: sla er een op met {key}.</translation>
    </message>
    <message>
        <source>Saves what the queue shows now: {what}.</source>
        <translation>Slaat op wat de wachtrij nu toont: {what}.</translation>
    </message>
    <message>
        <source>You are offline. Saved views are kept on the team server, so this waits until it is back; nothing was changed. Your search and filters stay as they are.</source>
        <translation>Je bent offline. Opgeslagen weergaven staan op de teamserver, dus dit wacht tot die terug is; er is niets gewijzigd. Je zoekopdracht en filters blijven zoals ze zijn.</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Weergave opslaan</translation>
    </message>
    <message>
        <source>Saved the view “{name}”.</source>
        <translation>Weergave “{name}” opgeslagen.</translation>
    </message>
    <message>
        <source>Rename view</source>
        <translation>Weergave hernoemen</translation>
    </message>
    <message>
        <source>A new name for “{name}”.</source>
        <translation>Een nieuwe naam voor “{name}”.</translation>
    </message>
    <message>
        <source>Renamed the view to “{name}”.</source>
        <translation>Weergave hernoemd naar “{name}”.</translation>
    </message>
    <message>
        <source>Copy to my views</source>
        <translation>Naar mijn weergaven kopiëren</translation>
    </message>
    <message>
        <source>Your own copy of the team&apos;s view “{name}”.</source>
        <translation>Je eigen kopie van de teamweergave “{name}”.</translation>
    </message>
    <message>
        <source>{name} (mine)</source>
        <translation>{name} (van mij)</translation>
    </message>
    <message>
        <source>Copied to your views as “{name}”.</source>
        <translation>Gekopieerd naar je weergaven als “{name}”.</translation>
    </message>
    <message>
        <source>Published “{name}” to the team.</source>
        <translation>“{name}” gepubliceerd voor het team.</translation>
    </message>
    <message>
        <source>“{name}” is no longer the team&apos;s: only {who} sees it now.</source>
        <translation>“{name}” is niet meer van het team: alleen {who} ziet hem nu.</translation>
    </message>
    <message>
        <source>Delete saved view?</source>
        <translation>Opgeslagen weergave verwijderen?</translation>
    </message>
    <message>
        <source>Delete the view “{name}”?</source>
        <translation>Weergave “{name}” verwijderen?</translation>
    </message>
    <message>
        <source>It disappears for the whole team.</source>
        <translation>Hij verdwijnt voor het hele team.</translation>
    </message>
    <message>
        <source>The mentions stay as they are; only the view goes.</source>
        <translation>De vermeldingen blijven zoals ze zijn; alleen de weergave verdwijnt.</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Verwijderen</translation>
    </message>
    <message>
        <source>&amp;Keep it</source>
        <translation>&amp;Bewaren</translation>
    </message>
    <message>
        <source>Deleted the view “{name}”.</source>
        <translation>Weergave “{name}” verwijderd.</translation>
    </message>
</context>
<context>
    <name>InboxStatus</name>
    <message>
        <source>Could not save it on this computer: {reason}</source>
        <extracomment>the mention the last banner / tray message was about (a click opens it)</extracomment>
        <translation>Kon het niet op deze computer opslaan: {reason}</translation>
    </message>
    <message>
        <source>Unclaimed</source>
        <translation>Niet opgepakt</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Van mij</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Beantwoord</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Gesluimerd</translation>
    </message>
    <message>
        <source>Something went wrong in the background: {reason} (details in the log)</source>
        <translation>Er ging op de achtergrond iets mis: {reason} (details in het logboek)</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>Signed out: {m}</source>
        <translation>Afgemeld: {m}</translation>
    </message>
    <message>
        <source>○ Offline — retrying in {s} s</source>
        <translation>○ Offline — nieuwe poging over {s} s</translation>
    </message>
    <message>
        <source>Loading history… {d}/{t}</source>
        <translation>Geschiedenis laden… {d}/{t}</translation>
    </message>
    <message>
        <source>{n} queued</source>
        <translation>{n} in de wachtrij</translation>
    </message>
    <message>
        <source>{n} not sent</source>
        <translation>{n} niet verzonden</translation>
    </message>
    <message>
        <source>Not snoozed: {m}</source>
        <translation>Niet gesluimerd: {m}</translation>
    </message>
    <message>
        <source>Not changed: {m}</source>
        <translation>Niet gewijzigd: {m}</translation>
    </message>
    <message>
        <source>Not sent: {m} Your text is kept with the mention.</source>
        <translation>Niet verzonden: {m} Je tekst blijft bij de vermelding bewaard.</translation>
    </message>
    <message>
        <source>A mention you snoozed is back in the queue (in bold).</source>
        <translation>Een vermelding die je liet sluimeren staat weer in de wachtrij (vetgedrukt).</translation>
    </message>
    <message>
        <source>{n} mentions you snoozed are back in the queue (in bold).</source>
        <translation>{n} vermeldingen die je liet sluimeren staan weer in de wachtrij (vetgedrukt).</translation>
    </message>
    <message>
        <source>the platform</source>
        <translation>het platform</translation>
    </message>
    <message>
        <source>Reply to {who} posted on {where}.</source>
        <translation>Antwoord aan {who} geplaatst op {where}.</translation>
    </message>
    <message>
        <source>Reply to {who} could not be posted on {where}: {reason}</source>
        <translation>Antwoord aan {who} kon niet worden geplaatst op {where}: {reason}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>geen reden opgegeven</translation>
    </message>
    <message>
        <source>Reply to {who} sent to the team server; posting it on {where}…</source>
        <translation>Antwoord aan {who} naar de teamserver verzonden; het wordt geplaatst op {where}…</translation>
    </message>
    <message>
        <source>1 new mention in {view}</source>
        <translation>1 nieuwe vermelding in {view}</translation>
    </message>
    <message>
        <source>{n} new mentions in {view}</source>
        <translation>{n} nieuwe vermeldingen in {view}</translation>
    </message>
    <message>
        <source>{name} handed you a mention: {who} “{text}”</source>
        <translation>{name} heeft een vermelding aan je overgedragen: {who} ‘{text}’</translation>
    </message>
    <message>
        <source>{first} (and {n} more)</source>
        <translation>{first} (en nog {n})</translation>
    </message>
</context>
<context>
    <name>InboxUndo</name>
    <message>
        <source>Undo: {what}</source>
        <extracomment>How long an action can be taken back from this window (seconds). the inverse writes queued by an undo, by their op id, until the server answered them</extracomment>
        <translation>Ongedaan maken: {what}</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>Er is niets ongedaan te maken.</translation>
    </message>
    <message>
        <source>Undoing: {what}…</source>
        <translation>Bezig met ongedaan maken: {what}…</translation>
    </message>
    <message>
        <source>Undoing: {done} of {n}…</source>
        <translation>Bezig met ongedaan maken: {done} van {n}…</translation>
    </message>
    <message>
        <source>Undone: {what}.</source>
        <translation>Ongedaan gemaakt: {what}.</translation>
    </message>
    <message>
        <source>Not undone: {m}</source>
        <translation>Niet ongedaan gemaakt: {m}</translation>
    </message>
    <message>
        <source>Undone for {ok} of {n}; {bad} changed since and stay as they are.</source>
        <translation>Ongedaan gemaakt voor {ok} van {n}; {bad} zijn intussen gewijzigd en blijven zoals ze zijn.</translation>
    </message>
</context>
<context>
    <name>Keyring</name>
    <message>
        <source>No system keyring is available</source>
        <translation>Er is geen systeemsleutelbos beschikbaar</translation>
    </message>
    <message>
        <source>The system keyring is locked</source>
        <translation>De systeemsleutelbos is vergrendeld</translation>
    </message>
    <message>
        <source>The system keyring did not answer</source>
        <translation>De systeemsleutelbos reageerde niet</translation>
    </message>
    <message>
        <source>The system keyring did not keep the sign-in</source>
        <translation>De systeemsleutelbos heeft de aanmelding niet bewaard</translation>
    </message>
    <message>
        <source>The system keyring is not working ({error})</source>
        <translation>De systeemsleutelbos werkt niet ({error})</translation>
    </message>
    <message>
        <source>{cause}, so you will be asked to sign in again next time.</source>
        <translation>{cause}, dus je moet je de volgende keer opnieuw aanmelden.</translation>
    </message>
    <message>
        <source>Unlock the keyring to avoid this.</source>
        <translation>Ontgrendel de sleutelbos om dat te voorkomen.</translation>
    </message>
    <message>
        <source>Your sign-in is kept in the system keyring.</source>
        <translation>Je aanmelding wordt bewaard in de systeemsleutelbos.</translation>
    </message>
    <message>
        <source>{cause}, so your sign-in is kept in {path}, a file only you can read, as you chose.</source>
        <translation>{cause}, dus je aanmelding wordt bewaard in {path}, een bestand dat alleen jij kunt lezen, zoals je hebt gekozen.</translation>
    </message>
    <message>
        <source>{cause}, and the file {path} could not be written, so you will be asked to sign in again next time.</source>
        <translation>{cause}, en het bestand {path} kon niet worden geschreven, dus je moet je de volgende keer opnieuw aanmelden.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in to Webcare</source>
        <translation>Aanmelden bij Webcare</translation>
    </message>
    <message>
        <source>Team server address</source>
        <translation>Adres van de teamserver</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Keep me signed in on this computer</source>
        <translation>Aangemeld blijven op deze computer</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Aanmelden</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Keep my sign-in in a file instead</source>
        <translation>Mijn aanmelding in plaats daarvan in een bestand bewaren</translation>
    </message>
    <message>
        <source>Less secure: anyone with access to your account files can use it.</source>
        <translation>Minder veilig: iedereen die bij de bestanden van je account kan, kan hem gebruiken.</translation>
    </message>
    <message>
        <source>Fill in the server address, your username and password.</source>
        <translation>Vul het serveradres, je gebruikersnaam en je wachtwoord in.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Views</source>
        <translation>Weergaven</translation>
    </message>
    <message>
        <source>Unclaimed</source>
        <translation>Niet opgepakt</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Van mij</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Beantwoord</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Gesluimerd</translation>
    </message>
    <message>
        <source>Mentions waiting for a first reply that nobody is working on</source>
        <translation>Vermeldingen die op een eerste antwoord wachten en die niemand heeft opgepakt</translation>
    </message>
    <message>
        <source>Mentions you are working on (your claims)</source>
        <translation>Vermeldingen waar jij aan werkt (door jou opgepakt)</translation>
    </message>
    <message>
        <source>Every mention, whatever its status</source>
        <translation>Alle vermeldingen, met elke status</translation>
    </message>
    <message>
        <source>Answered and still open: a reply was sent, but nobody resolved the mention yet (E resolves it when the conversation is done)</source>
        <translation>Beantwoord en nog open: er is een antwoord verstuurd, maar niemand heeft de vermelding nog afgehandeld (E handelt hem af als het gesprek klaar is)</translation>
    </message>
    <message>
        <source>Snoozed mentions and when each comes back: out of the other views until their time, or until the customer writes again (Z)</source>
        <translation>Sluimerende vermeldingen en wanneer ze terugkomen: uit de andere weergaven tot hun tijd, of tot de klant weer schrijft (Z)</translation>
    </message>
    <message>
        <source>Search (/) — words, @handle, tag:storing, since:2017-10-11, prio:high</source>
        <translation>Zoeken (/) — woorden, @handle, tag:storing, since:2017-10-11, prio:high</translation>
    </message>
    <message>
        <source>Search (/) — words, @handle, tag:, prio:, since:</source>
        <translation>Zoeken (/) — woorden, @handle, tag:, prio:, since:</translation>
    </message>
    <message>
        <source>Search (/)</source>
        <translation>Zoeken (/)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Statusfilter</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Elke status</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Claimed</source>
        <translation>Opgepakt</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Afgehandeld</translation>
    </message>
    <message>
        <source>Spam</source>
        <translation>Spam</translation>
    </message>
    <message>
        <source>Channel filter</source>
        <translation>Kanaalfilter</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle kanalen</translation>
    </message>
    <message>
        <source>Priority filter</source>
        <translation>Prioriteitsfilter</translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation>Elke prioriteit</translation>
    </message>
    <message>
        <source>High and up</source>
        <translation>Hoog en hoger</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Sort order</source>
        <translation>Sortering</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>Nieuwste eerst</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>Oudste eerst</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioriteit</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Wachtrij</translation>
    </message>
    <message>
        <source>Mentions in the chosen view. J and K move, C claims, R replies.</source>
        <translation>Vermeldingen in de gekozen weergave. J en K verplaatsen, C pakt op, R beantwoordt.</translation>
    </message>
    <message>
        <source>Words, @handle, tag:, prio:, since: and until: narrow the queue</source>
        <translation>Woorden, @handle, tag:, prio:, since: en until: beperken de wachtrij</translation>
    </message>
    <message>
        <source>Ctrl+1 to Ctrl+4 switch views; Z shows the snoozed mentions; Ctrl+5 to Ctrl+9 open the first five saved views</source>
        <translation>Ctrl+1 tot Ctrl+4 wisselen van weergave; Z toont de sluimerende vermeldingen; Ctrl+5 tot Ctrl+9 openen de eerste vijf opgeslagen weergaven</translation>
    </message>
    <message>
        <source>Clear search</source>
        <translation>Zoekopdracht wissen</translation>
    </message>
    <message>
        <source>Offline — the team server cannot be reached. Replies, notes and status changes are queued here and sent when it is back; claims cannot be made or renewed.</source>
        <translation>Offline — de teamserver is niet bereikbaar. Antwoorden, notities en statuswijzigingen worden hier bewaard en verzonden zodra hij terug is; oppakken en claims verlengen kan niet.</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinden…</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Ongedaan maken</translation>
    </message>
    <message>
        <source>Take back the last action (Ctrl+Z)</source>
        <translation>De laatste actie terugdraaien (Ctrl+Z)</translation>
    </message>
    <message>
        <source>&amp;Mention</source>
        <translation>&amp;Vermelding</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Beeld</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Claim</source>
        <translation>&amp;Oppakken</translation>
    </message>
    <message>
        <source>Re&amp;lease claim</source>
        <translation>&amp;Vrijgeven</translation>
    </message>
    <message>
        <source>&amp;Hand over…</source>
        <translation>Ove&amp;rdragen aan…</translation>
    </message>
    <message>
        <source>&amp;Attach image…</source>
        <translation>Afbeelding b&amp;ijvoegen…</translation>
    </message>
    <message>
        <source>Resolve (clos&amp;e)</source>
        <translation>&amp;Afhandelen (sluiten)</translation>
    </message>
    <message>
        <source>Sa&amp;ve view…</source>
        <translation>Weergave &amp;opslaan…</translation>
    </message>
    <message>
        <source>Saved view {n}</source>
        <translation>Opgeslagen weergave {n}</translation>
    </message>
    <message>
        <source>&amp;Rename saved view…</source>
        <translation>Opgeslagen weergave &amp;hernoemen…</translation>
    </message>
    <message>
        <source>&amp;Delete saved view</source>
        <translation>Opgeslagen weergave verwij&amp;deren</translation>
    </message>
    <message>
        <source>Pu&amp;blish to the team</source>
        <translation>&amp;Publiceren voor het team</translation>
    </message>
    <message>
        <source>Make it personal a&amp;gain</source>
        <translation>Weer persoon&amp;lijk maken</translation>
    </message>
    <message>
        <source>Copy to &amp;my views…</source>
        <translation>&amp;Kopiëren naar mijn weergaven…</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>Nu &amp;synchroniseren</translation>
    </message>
    <message>
        <source>C&amp;ontacts</source>
        <translation>C&amp;ontacten</translation>
    </message>
    <message>
        <source>Team views</source>
        <translation>Teamweergaven</translation>
    </message>
    <message>
        <source>My views</source>
        <translation>Mijn weergaven</translation>
    </message>
    <message>
        <source>Saved view {n}: {name}</source>
        <translation>Opgeslagen weergave {n}: {name}</translation>
    </message>
    <message>
        <source>status: {status}</source>
        <translation>status: {status}</translation>
    </message>
    <message>
        <source>priority {n} and up</source>
        <translation>prioriteit {n} en hoger</translation>
    </message>
    <message>
        <source>Team view (published by {who}): {what}</source>
        <translation>Teamweergave (gepubliceerd door {who}): {what}</translation>
    </message>
    <message>
        <source>Your view: {what}</source>
        <translation>Jouw weergave: {what}</translation>
    </message>
    <message>
        <source>Click to open it</source>
        <translation>Klik om hem te openen</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Beantwoorden</translation>
    </message>
    <message>
        <source>Insert &amp;template…</source>
        <translation>&amp;Sjabloon invoegen…</translation>
    </message>
    <message>
        <source>Internal &amp;note mode</source>
        <translation>Interne &amp;notitie schrijven</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>Ver&amp;zenden</translation>
    </message>
    <message>
        <source>Mark as s&amp;pam</source>
        <translation>Markeren als s&amp;pam</translation>
    </message>
    <message>
        <source>Reopen a close&amp;d or spam mention</source>
        <translation>Gesloten of spamvermelding &amp;heropenen</translation>
    </message>
    <message>
        <source>Undo the last act&amp;ion</source>
        <translation>Laatste actie on&amp;gedaan maken</translation>
    </message>
    <message>
        <source>Snoo&amp;ze…</source>
        <translation>Sl&amp;uimeren…</translation>
    </message>
    <message>
        <source>&amp;Unsnooze: back to the queue</source>
        <translation>&amp;Wekken: terug in de wachtrij</translation>
    </message>
    <message>
        <source>&amp;Open on the platform</source>
        <translation>Op het p&amp;latform openen</translation>
    </message>
    <message>
        <source>&amp;Next mention</source>
        <translation>&amp;Volgende vermelding</translation>
    </message>
    <message>
        <source>&amp;Previous mention</source>
        <translation>Vo&amp;rige vermelding</translation>
    </message>
    <message>
        <source>Back to the &amp;queue</source>
        <translation>Terug naar de &amp;wachtrij</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Zoeken</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Sneltoetsen</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Voorkeuren…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Af&amp;melden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afsluiten</translation>
    </message>
    <message>
        <source>&amp;Reports</source>
        <translation>&amp;Rapportages</translation>
    </message>
    <message>
        <source>&amp;Workload</source>
        <translation>&amp;Werkverdeling</translation>
    </message>
    <message>
        <source>&amp;Audit log</source>
        <translation>&amp;Auditlog</translation>
    </message>
    <message>
        <source>&amp;Templates</source>
        <translation>&amp;Sjablonen</translation>
    </message>
    <message>
        <source>A&amp;gents</source>
        <translation>Me&amp;dewerkers</translation>
    </message>
    <message>
        <source>&amp;Channels</source>
        <translation>&amp;Kanalen</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Instellingen</translation>
    </message>
    <message>
        <source>&amp;Team</source>
        <translation>&amp;Team</translation>
    </message>
</context>
<context>
    <name>MediaSource</name>
    <message>
        <source>This image cannot be shown.</source>
        <extracomment>The box a thumbnail is scaled into (device-independent pixels). What QImageReader may allocate for one image, in MiB (a 30000 x 30000 PNG is refused). Images with more pixels than this are not decoded at all (not even scaled). Decoded thumbnails kept in memory (the conversation is rebuilt on every change).</extracomment>
        <translation>Deze afbeelding kan niet worden getoond.</translation>
    </message>
</context>
<context>
    <name>MediaTile</name>
    <message>
        <source>Loading image…</source>
        <translation>Afbeelding laden…</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Afbeelding</translation>
    </message>
    <message>
        <source>Sticker</source>
        <translation>Sticker</translation>
    </message>
    <message>
        <source>Voice message or audio</source>
        <translation>Spraakbericht of audio</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <source>{name} — not shown: {reason}</source>
        <translation>{name} — niet getoond: {reason}</translation>
    </message>
    <message>
        <source>refused by the server</source>
        <translation>geweigerd door de server</translation>
    </message>
    <message>
        <source>{name} — not available: {reason}</source>
        <translation>{name} — niet beschikbaar: {reason}</translation>
    </message>
    <message>
        <source>the platform did not give it</source>
        <translation>het platform gaf het bestand niet</translation>
    </message>
    <message>
        <source>{name} — being fetched from the platform…</source>
        <translation>{name} — wordt opgehaald van het platform…</translation>
    </message>
</context>
<context>
    <name>MessageFrame</name>
    <message>
        <source>reply</source>
        <translation>antwoord</translation>
    </message>
    <message>
        <source>internal note</source>
        <translation>interne notitie</translation>
    </message>
    <message>
        <source>hand-over</source>
        <translation>overdracht</translation>
    </message>
    <message>
        <source>open</source>
        <comment>mention status</comment>
        <translation>open</translation>
    </message>
    <message>
        <source>answered</source>
        <comment>mention status</comment>
        <translation>beantwoord</translation>
    </message>
    <message>
        <source>closed</source>
        <comment>mention status</comment>
        <translation>afgehandeld</translation>
    </message>
    <message>
        <source>spam</source>
        <comment>mention status</comment>
        <translation>spam</translation>
    </message>
    <message>
        <source>queued — will be sent when the server is reachable</source>
        <translation>in de wachtrij — wordt verzonden zodra de server bereikbaar is</translation>
    </message>
    <message>
        <source>sent to the team server</source>
        <translation>naar de teamserver verzonden</translation>
    </message>
    <message>
        <source>NOT SENT</source>
        <translation>NIET VERZONDEN</translation>
    </message>
    <message>
        <source>reply · sent to the team server, not posted yet</source>
        <translation>antwoord · naar de teamserver verzonden, nog niet geplaatst</translation>
    </message>
    <message>
        <source>reply · Delivered</source>
        <translation>antwoord · Afgeleverd</translation>
    </message>
    <message>
        <source>reply · Read</source>
        <translation>antwoord · Gelezen</translation>
    </message>
    <message>
        <source>reply · posted on the platform</source>
        <translation>antwoord · geplaatst op het platform</translation>
    </message>
    <message>
        <source>private</source>
        <comment>a reply sent as a private message</comment>
        <translation>privé</translation>
    </message>
    <message>
        <source>reply · delivery delayed, retrying</source>
        <translation>antwoord · bezorging vertraagd, nieuwe poging</translation>
    </message>
    <message>
        <source>Handed over to {name}: {note}</source>
        <translation>Overgedragen aan {name}: {note}</translation>
    </message>
    <message>
        <source>Handed over to {name}.</source>
        <translation>Overgedragen aan {name}.</translation>
    </message>
    <message>
        <source>reply · delivery failed</source>
        <translation>antwoord · bezorging mislukt</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>New password</source>
        <translation>Nieuw wachtwoord</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>Herhalen</translation>
    </message>
    <message>
        <source>At least 8 characters.</source>
        <translation>Minstens 8 tekens.</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>De twee wachtwoorden verschillen.</translation>
    </message>
</context>
<context>
    <name>PlatformTemplatePicker</name>
    <message>
        <source>Approved {platform} templates</source>
        <translation>Goedgekeurde {platform}-sjablonen</translation>
    </message>
    <message>
        <source>{platform} only delivers an approved template now. Choose one and fill in its variables; the text itself cannot be changed.</source>
        <translation>{platform} bezorgt nu alleen nog een goedgekeurd sjabloon. Kies er een en vul de variabelen in; de tekst zelf kun je niet wijzigen.</translation>
    </message>
    <message>
        <source>Type to filter by name or text</source>
        <translation>Typ om te filteren op naam of tekst</translation>
    </message>
    <message>
        <source>Filter templates</source>
        <translation>Sjablonen filteren</translation>
    </message>
    <message>
        <source>Approved templates</source>
        <translation>Goedgekeurde sjablonen</translation>
    </message>
    <message>
        <source>What the customer will read</source>
        <translation>Wat de klant leest</translation>
    </message>
    <message>
        <source>Send template</source>
        <translation>Sjabloon versturen</translation>
    </message>
    <message>
        <source>The templates could not be read: {error}</source>
        <translation>De sjablonen konden niet worden gelezen: {error}</translation>
    </message>
    <message>
        <source>{n} more cannot be sent from Webcare (they need an image, a link or a code): {names}.</source>
        <translation>Nog {n} kunnen niet vanuit Webcare worden verstuurd (ze hebben een afbeelding, link of code nodig): {names}.</translation>
    </message>
    <message>
        <source>There are no approved templates: create one in WhatsApp Manager (Message templates), and once Meta approves it, it is offered here.</source>
        <translation>Er zijn geen goedgekeurde sjablonen: maak er een in WhatsApp Manager (Berichtsjablonen); zodra Meta het goedkeurt, verschijnt het hier.</translation>
    </message>
    <message>
        <source>Variable {name}</source>
        <translation>Variabele {name}</translation>
    </message>
    <message>
        <source>e.g. {example}</source>
        <translation>bijv. {example}</translation>
    </message>
    <message>
        <source>Fill in: {names}</source>
        <translation>Nog invullen: {names}</translation>
    </message>
</context>
<context>
    <name>PlatformText</name>
    <message>
        <source>A private reply is one Messenger message, and Messenger cannot put text and an image in one message: answer publicly to send the image, or in Messenger once the customer writes back.</source>
        <translation>Een privéantwoord is één Messenger-bericht, en Messenger kan tekst en een afbeelding niet in één bericht zetten: antwoord openbaar om de afbeelding te sturen, of in Messenger zodra de klant terugschrijft.</translation>
    </message>
    <message>
        <source>This Facebook mention cannot be answered from Webcare.</source>
        <translation>Deze Facebook-vermelding kan niet vanuit Webcare beantwoord worden.</translation>
    </message>
    <message>
        <source>Instagram takes a direct message&apos;s image only from a public web address, which Webcare does not have: send the text here, and the image from the Instagram app.</source>
        <translation>Instagram neemt een afbeelding in een direct bericht alleen van een openbaar webadres aan, en dat heeft Webcare niet: verstuur de tekst hier, en de afbeelding vanuit de Instagram-app.</translation>
    </message>
    <message>
        <source>An Instagram private reply is text only.</source>
        <translation>Een privéantwoord op Instagram is alleen tekst.</translation>
    </message>
    <message>
        <source>Instagram comment replies are text only.</source>
        <translation>Antwoorden op Instagram-reacties zijn alleen tekst.</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Voorkeuren</translation>
    </message>
    <message>
        <source>Team server address</source>
        <translation>Adres van de teamserver</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Aangemeld als</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Afmelden</translation>
    </message>
    <message>
        <source>Forget the sign-in on this computer and show the sign-in window</source>
        <translation>Vergeet de aanmelding op deze computer en toon het aanmeldvenster</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Ondertekening</translation>
    </message>
    <message>
        <source>Added to the end of every reply you send, e.g. ^Eva</source>
        <translation>Komt onder elk antwoord dat je verstuurt, bijv. ^Eva</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Beschikbaar</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Afwezig</translation>
    </message>
    <message>
        <source>Your team leads see it in the workload</source>
        <translation>Je teamleiders zien het in de werkverdeling</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Profiel opslaan</translation>
    </message>
    <message>
        <source>Save the signature and status on the team server</source>
        <translation>De ondertekening en status op de teamserver opslaan</translation>
    </message>
    <message>
        <source>Loading your profile…</source>
        <translation>Je profiel wordt geladen…</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Systeem volgen</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Licht</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Donker</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>Lettergrootte</translation>
    </message>
    <message>
        <source>Text size in percent of the normal</source>
        <translation>Tekstgrootte in procenten van de normale</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Weergave</translation>
    </message>
    <message>
        <source>Announce new mentions in the system tray</source>
        <translation>Nieuwe vermeldingen melden in het systeemvak</translation>
    </message>
    <message>
        <source>Show new mentions in a banner in the window</source>
        <translation>Nieuwe vermeldingen tonen in een balk in het venster</translation>
    </message>
    <message>
        <source>Play a sound for new mentions</source>
        <translation>Geluid afspelen bij nieuwe vermeldingen</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Meldingen</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Algemeen</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Sneltoetsen</translation>
    </message>
    <message>
        <source>Windows opened from now on use the new language; restart Webcare to switch this window too.</source>
        <translation>Vensters die je vanaf nu opent gebruiken de nieuwe taal; start Webcare opnieuw om ook dit venster om te zetten.</translation>
    </message>
    <message>
        <source>Saved on the team server.</source>
        <translation>Opgeslagen op de teamserver.</translation>
    </message>
    <message>
        <source>Your signature and status can be changed when the team server answers: {m}</source>
        <translation>Je ondertekening en status kun je wijzigen zodra de teamserver antwoordt: {m}</translation>
    </message>
    <message>
        <source>Not saved: {m}</source>
        <translation>Niet opgeslagen: {m}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Opslaan…</translation>
    </message>
</context>
<context>
    <name>Priority</name>
    <message>
        <source>Low</source>
        <translation>Laag</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normaal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoog</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>Low</source>
        <translation>Laag</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normaal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoog</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>!</source>
        <translation>!</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Mention</source>
        <translation>Vermelding</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanaal</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ontvangen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Snoozed: it comes back {when} (or when the customer writes).</source>
        <translation>Sluimert: komt terug {when} (of als de klant schrijft).</translation>
    </message>
    <message>
        <source>Snoozed until the customer writes again.</source>
        <translation>Sluimert tot de klant weer schrijft.</translation>
    </message>
    <message>
        <source>You are working on this — your claim ends in {t}.</source>
        <translation>Jij werkt hieraan — je claim verloopt over {t}.</translation>
    </message>
    <message>
        <source>{name} is replying… (claim ends in {t})</source>
        <translation>{name} is aan het antwoorden… (claim verloopt over {t})</translation>
    </message>
    <message>
        <source>Until {when}</source>
        <translation>Tot {when}</translation>
    </message>
    <message>
        <source>Until they write</source>
        <translation>Tot de klant schrijft</translation>
    </message>
    <message>
        <source>Mine · {t} left</source>
        <translation>Van mij · nog {t}</translation>
    </message>
    <message>
        <source>{name} · {t} left</source>
        <translation>{name} · nog {t}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Beantwoord</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Afgehandeld</translation>
    </message>
    <message>
        <source>Spam</source>
        <translation>Spam</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Period</source>
        <translation>Periode</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Hele periode</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Laatste 7 dagen</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Laatste 30 dagen</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Laatste 90 dagen</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Eigen periode</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Van</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Tot en met</translation>
    </message>
    <message>
        <source>Time basis</source>
        <translation>Tijdsbasis</translation>
    </message>
    <message>
        <source>Calendar time</source>
        <translation>Kalendertijd</translation>
    </message>
    <message>
        <source>Business hours only</source>
        <translation>Alleen openingstijden</translation>
    </message>
    <message>
        <source>Group by</source>
        <translation>Groeperen per</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Medewerker</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanaal</translation>
    </message>
    <message>
        <source>Brand</source>
        <translation>Merk</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Dag</translation>
    </message>
    <message>
        <source>Hour of day</source>
        <translation>Uur van de dag</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioriteit</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>by</source>
        <translation>per</translation>
    </message>
    <message>
        <source>First response and resolution</source>
        <translation>Eerste reactie en afhandeling</translation>
    </message>
    <message>
        <source>Mentions over their SLA target</source>
        <translation>Vermeldingen over hun SLA-norm</translation>
    </message>
    <message>
        <source>Double-click a mention (or select it and press Enter) to open it in the inbox.</source>
        <translation>Dubbelklik op een vermelding (of kies die en druk op Enter) om die in de inbox te openen.</translation>
    </message>
    <message>
        <source>Mentions per weekday and hour</source>
        <translation>Vermeldingen per weekdag en uur</translation>
    </message>
    <message>
        <source>Waiting for a first reply</source>
        <translation>Wachtend op een eerste antwoord</translation>
    </message>
    <message>
        <source>Template use</source>
        <translation>Sjabloongebruik</translation>
    </message>
    <message>
        <source>There are no templates yet.</source>
        <translation>Er zijn nog geen sjablonen.</translation>
    </message>
    <message>
        <source>Once an admin adds canned answers (Team ▸ Templates), this shows how often each one was used, in total and per agent.</source>
        <translation>Zodra een beheerder standaardantwoorden toevoegt (Team ▸ Sjablonen), zie je hier hoe vaak elk is gebruikt, in totaal en per medewerker.</translation>
    </message>
    <message>
        <source>Response times</source>
        <translation>Reactietijden</translation>
    </message>
    <message>
        <source>SLA breaches</source>
        <translation>SLA-overschrijdingen</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Volume</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Achterstand</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <source>Could not load the report: {e}</source>
        <translation>Kan het rapport niet laden: {e}</translation>
    </message>
    <message>
        <source>{m} mentions · {a} answered · first response median {med}, p90 {p90} · {b} answered late, {o} waiting past their target ({basis})</source>
        <translation>{m} vermeldingen · {a} beantwoord · eerste reactie mediaan {med}, p90 {p90} · {b} te laat beantwoord, {o} wachten langer dan de norm ({basis})</translation>
    </message>
    <message>
        <source>business time</source>
        <translation>openingstijden</translation>
    </message>
    <message>
        <source>calendar time</source>
        <translation>kalendertijd</translation>
    </message>
    <message>
        <source>written by {n} people</source>
        <translation>geschreven door {n} personen</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>kanaal</translation>
    </message>
    <message>
        <source>brand</source>
        <translation>merk</translation>
    </message>
    <message>
        <source>day</source>
        <translation>dag</translation>
    </message>
    <message>
        <source>hour</source>
        <translation>uur</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>prioriteit</translation>
    </message>
    <message>
        <source>mentions</source>
        <translation>vermeldingen</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>beantwoord</translation>
    </message>
    <message>
        <source>first resp. median</source>
        <translation>mediaan eerste reactie</translation>
    </message>
    <message>
        <source>p90</source>
        <translation>p90</translation>
    </message>
    <message>
        <source>resolution median</source>
        <translation>mediaan afhandeling</translation>
    </message>
    <message>
        <source>late</source>
        <translation>te laat</translation>
    </message>
    <message>
        <source>waiting late</source>
        <translation>wacht al te lang</translation>
    </message>
    <message>
        <source>90% took at most this long (nearest rank)</source>
        <translation>90% duurde hooguit zo lang (nearest rank)</translation>
    </message>
    <message>
        <source>First response: the first reply sent minus the time received</source>
        <translation>Eerste reactie: het eerste verstuurde antwoord min het tijdstip van ontvangst</translation>
    </message>
    <message>
        <source>Resolution: the time resolved minus the time received</source>
        <translation>Afhandeling: het tijdstip van afhandelen min het tijdstip van ontvangst</translation>
    </message>
    <message>
        <source>Answered, but the first reply came after the target for its priority</source>
        <translation>Beantwoord, maar het eerste antwoord kwam na de norm voor de prioriteit</translation>
    </message>
    <message>
        <source>Not answered yet and already past the target for its priority</source>
        <translation>Nog niet beantwoord en al over de norm voor de prioriteit</translation>
    </message>
    <message>
        <source>not answered yet</source>
        <translation>nog niet beantwoord</translation>
    </message>
    <message>
        <source>No SLA breaches in this period.</source>
        <translation>Geen SLA-overschrijdingen in deze periode.</translation>
    </message>
    <message>
        <source>No SLA breaches.</source>
        <translation>Geen SLA-overschrijdingen.</translation>
    </message>
    <message>
        <source>Every mention was answered within the target for its priority, and none is waiting past it. Breaches are listed here with how late they were.</source>
        <translation>Elke vermelding is binnen de norm voor de prioriteit beantwoord en er wacht er geen langer dan de norm. Overschrijdingen staan hier, met hoeveel te laat.</translation>
    </message>
    <message>
        <source>mention</source>
        <translation>vermelding</translation>
    </message>
    <message>
        <source>received</source>
        <translation>ontvangen</translation>
    </message>
    <message>
        <source>first response</source>
        <translation>eerste reactie</translation>
    </message>
    <message>
        <source>target</source>
        <translation>norm</translation>
    </message>
    <message>
        <source>over by</source>
        <translation>te laat met</translation>
    </message>
    <message>
        <source>All mentions</source>
        <translation>Alle vermeldingen</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(geen)</translation>
    </message>
    <message>
        <source>Mention {id} — double-click to open it in the inbox</source>
        <translation>Vermelding {id} — dubbelklik om die in de inbox te openen</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>uren</translation>
    </message>
    <message>
        <source>days</source>
        <translation>dagen</translation>
    </message>
    <message>
        <source>median</source>
        <translation>mediaan</translation>
    </message>
    <message>
        <source>The chart shows the {n} groups with the most answered mentions; the table has all {total}.</source>
        <translation>De grafiek toont de {n} groepen met de meeste beantwoorde vermeldingen; de tabel heeft ze alle {total}.</translation>
    </message>
    <message>
        <source>1 value above the scale, drawn cut off in grey: {values}.</source>
        <translation>1 waarde boven de schaal, grijs en afgekapt getekend: {values}.</translation>
    </message>
    <message>
        <source>{n} values above the scale, drawn cut off in grey: {values}.</source>
        <translation>{n} waarden boven de schaal, grijs en afgekapt getekend: {values}.</translation>
    </message>
    <message>
        <source>Answered: mentions that got at least one reply, whether resolved since or still open (the inbox&apos;s Answered view lists only the ones still open)</source>
        <translation>Beantwoord: vermeldingen die minstens één antwoord kregen, of ze nu al zijn afgehandeld of nog open staan (de weergave Beantwoord in de inbox toont alleen die nog open staan)</translation>
    </message>
    <message>
        <source>mention {id}</source>
        <translation>vermelding {id}</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minuten</translation>
    </message>
    <message>
        <source>First response (median and p90)</source>
        <translation>Eerste reactie (mediaan en p90)</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wachtend</translation>
    </message>
    <message>
        <source>mentions waiting</source>
        <translation>wachtende vermeldingen</translation>
    </message>
    <message>
        <source>Mentions per weekday and hour ({tz})</source>
        <translation>Vermeldingen per weekdag en uur ({tz})</translation>
    </message>
    <message>
        <source>template</source>
        <translation>sjabloon</translation>
    </message>
    <message>
        <source>language</source>
        <translation>taal</translation>
    </message>
    <message>
        <source>uses</source>
        <translation>keer gebruikt</translation>
    </message>
    <message>
        <source>by agent</source>
        <translation>per medewerker</translation>
    </message>
    <message>
        <source> (archived)</source>
        <translation> (gearchiveerd)</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>agent</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>teamleider</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
</context>
<context>
    <name>RulesEditor</name>
    <message>
        <source>Keyword rules</source>
        <translation>Trefwoordregels</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>Trefwoorden</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioriteit</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Add rule</source>
        <translation>Regel toevoegen</translation>
    </message>
    <message>
        <source>Remove rule</source>
        <translation>Regel verwijderen</translation>
    </message>
    <message>
        <source>Separate words with commas; opzeg* matches every word that starts with opzeg.</source>
        <translation>Scheid woorden met komma&apos;s; opzeg* past op elk woord dat met opzeg begint.</translation>
    </message>
    <message>
        <source>Priority of this rule</source>
        <translation>Prioriteit van deze regel</translation>
    </message>
</context>
<context>
    <name>SaveViewDialog</name>
    <message>
        <source>Name, e.g. Storingen NL</source>
        <translation>Naam, bijv. Storingen NL</translation>
    </message>
    <message>
        <source>Name of the view</source>
        <translation>Naam van de weergave</translation>
    </message>
    <message>
        <source>Publish to the team (everyone sees it; only leads change it)</source>
        <translation>Publiceren voor het team (iedereen ziet hem; alleen teamleiders wijzigen hem)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Give the view a name.</source>
        <translation>Geef de weergave een naam.</translation>
    </message>
</context>
<context>
    <name>SettingsChanges</name>
    <message>
        <source>Monday</source>
        <translation>maandag</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>dinsdag</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>woensdag</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>donderdag</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>vrijdag</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>zaterdag</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>zondag</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>gesloten</translation>
    </message>
    <message>
        <source>open 24 h</source>
        <translation>24 uur open</translation>
    </message>
    <message>
        <source>{spans} and {last}</source>
        <translation>{spans} en {last}</translation>
    </message>
    <message>
        <source>time zone {tz}</source>
        <translation>tijdzone {tz}</translation>
    </message>
    <message>
        <source>{day} closed</source>
        <translation>{day} gesloten</translation>
    </message>
    <message>
        <source>{day} open 24 h</source>
        <translation>{day} 24 uur open</translation>
    </message>
    <message>
        <source>{day} hours {hours}</source>
        <translation>{day} open {hours}</translation>
    </message>
    <message>
        <source>1 holiday added</source>
        <translation>1 feestdag toegevoegd</translation>
    </message>
    <message>
        <source>{n} holidays added</source>
        <translation>{n} feestdagen toegevoegd</translation>
    </message>
    <message>
        <source>1 holiday removed</source>
        <translation>1 feestdag verwijderd</translation>
    </message>
    <message>
        <source>{n} holidays removed</source>
        <translation>{n} feestdagen verwijderd</translation>
    </message>
    <message>
        <source>{priority} target {old} → {new}</source>
        <translation>norm {priority} {old} → {new}</translation>
    </message>
    <message>
        <source>out-of-hours reply off</source>
        <translation>antwoord buiten openingstijden uit</translation>
    </message>
    <message>
        <source>out-of-hours reply on ({template})</source>
        <translation>antwoord buiten openingstijden aan ({template})</translation>
    </message>
    <message>
        <source>out-of-hours reply template {template}</source>
        <translation>sjabloon buiten openingstijden {template}</translation>
    </message>
    <message>
        <source>influencers from {n} followers</source>
        <translation>influencers vanaf {n} volgers</translation>
    </message>
    <message>
        <source>no influencer rule</source>
        <translation>geen influencerregel</translation>
    </message>
    <message>
        <source>influencer priority {p}</source>
        <translation>prioriteit influencers {p}</translation>
    </message>
    <message>
        <source>1 keyword rule changed</source>
        <translation>1 trefwoordregel gewijzigd</translation>
    </message>
    <message>
        <source>{n} keyword rules changed</source>
        <translation>{n} trefwoordregels gewijzigd</translation>
    </message>
    <message>
        <source>1 keyword rule added</source>
        <translation>1 trefwoordregel toegevoegd</translation>
    </message>
    <message>
        <source>{n} keyword rules added</source>
        <translation>{n} trefwoordregels toegevoegd</translation>
    </message>
    <message>
        <source>1 keyword rule removed</source>
        <translation>1 trefwoordregel verwijderd</translation>
    </message>
    <message>
        <source>{n} keyword rules removed</source>
        <translation>{n} trefwoordregels verwijderd</translation>
    </message>
    <message>
        <source>keyword rules reordered</source>
        <translation>trefwoordregels van volgorde veranderd</translation>
    </message>
    <message>
        <source>1 negative word added</source>
        <translation>1 negatief woord toegevoegd</translation>
    </message>
    <message>
        <source>{n} negative words added</source>
        <translation>{n} negatieve woorden toegevoegd</translation>
    </message>
    <message>
        <source>1 negative word removed</source>
        <translation>1 negatief woord verwijderd</translation>
    </message>
    <message>
        <source>{n} negative words removed</source>
        <translation>{n} negatieve woorden verwijderd</translation>
    </message>
    <message>
        <source>negative priority {p}</source>
        <translation>prioriteit negatieve woorden {p}</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <source>Time zone</source>
        <translation>Tijdzone</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Feestdagen</translation>
    </message>
    <message>
        <source>Business hours (SLA clocks pause outside them)</source>
        <translation>Openingstijden (daarbuiten staat de SLA-klok stil)</translation>
    </message>
    <message>
        <source>First-response targets</source>
        <translation>Normen voor de eerste reactie</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Acknowledgement template</source>
        <translation>Sjabloon voor de ontvangstbevestiging</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Out-of-hours reply</source>
        <translation>Antwoord buiten openingstijden</translation>
    </message>
    <message>
        <source>Copy Monday to Tuesday–Friday</source>
        <translation>Maandag kopiëren naar dinsdag–vrijdag</translation>
    </message>
    <message>
        <source>{priority} target</source>
        <translation>Norm {priority}</translation>
    </message>
    <message>
        <source>off</source>
        <translation>uit</translation>
    </message>
    <message>
        <source> followers</source>
        <translation> volgers</translation>
    </message>
    <message>
        <source>Influencer threshold</source>
        <translation>Drempel voor influencers</translation>
    </message>
    <message>
        <source>Words separated by commas</source>
        <translation>Woorden gescheiden door komma&apos;s</translation>
    </message>
    <message>
        <source>Example text</source>
        <translation>Voorbeeldtekst</translation>
    </message>
    <message>
        <source>Type a mention to see which rules match</source>
        <translation>Typ een vermelding om te zien welke regels passen</translation>
    </message>
    <message>
        <source>Followers of the example&apos;s author</source>
        <translation>Volgers van de schrijver van het voorbeeld</translation>
    </message>
    <message>
        <source>get</source>
        <translation>krijgen</translation>
    </message>
    <message>
        <source>Influencers from</source>
        <translation>Influencers vanaf</translation>
    </message>
    <message>
        <source>Keyword rules</source>
        <translation>Trefwoordregels</translation>
    </message>
    <message>
        <source>Negative words</source>
        <translation>Negatieve woorden</translation>
    </message>
    <message>
        <source>Priority rules for new mentions</source>
        <translation>Prioriteitsregels voor nieuwe vermeldingen</translation>
    </message>
    <message>
        <source>Influencer priority</source>
        <translation>Prioriteit voor influencers</translation>
    </message>
    <message>
        <source>Acknowledge mentions that arrive outside hours</source>
        <translation>Vermeldingen buiten openingstijden automatisch bevestigen</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Sjabloon</translation>
    </message>
    <message>
        <source>Negative priority</source>
        <translation>Prioriteit bij negatieve woorden</translation>
    </message>
    <message>
        <source>A negative word gives</source>
        <translation>Een negatief woord geeft</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>Probeer het</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Wijzigingen weggooien</translation>
    </message>
    <message>
        <source>Choose a template…</source>
        <translation>Kies een sjabloon…</translation>
    </message>
    <message>
        <source>Not saved yet: {changes}</source>
        <translation>Nog niet opgeslagen: {changes}</translation>
    </message>
    <message>
        <source>Not saved yet.</source>
        <translation>Nog niet opgeslagen.</translation>
    </message>
    <message>
        <source>Not saved yet</source>
        <translation>Nog niet opgeslagen</translation>
    </message>
    <message>
        <source>Choose the template to answer with.</source>
        <translation>Kies het sjabloon waarmee geantwoord wordt.</translation>
    </message>
    <message>
        <source>Type a text above: the rules it matches light up, with the priority and tags a new mention would get.</source>
        <translation>Typ hierboven een tekst: de regels die passen lichten op, met de prioriteit en tags die een nieuwe vermelding zou krijgen.</translation>
    </message>
    <message>
        <source>rule {n} ({words})</source>
        <translation>regel {n} ({words})</translation>
    </message>
    <message>
        <source>a negative word</source>
        <translation>een negatief woord</translation>
    </message>
    <message>
        <source>an influencer</source>
        <translation>een influencer</translation>
    </message>
    <message>
        <source>priority {p}</source>
        <translation>prioriteit {p}</translation>
    </message>
    <message>
        <source>tags {tags}</source>
        <translation>tags {tags}</translation>
    </message>
    <message>
        <source>Matches {reasons} → {verdict}</source>
        <translation>Past op {reasons} → {verdict}</translation>
    </message>
    <message>
        <source>No rule matches → {verdict}</source>
        <translation>Geen regel past → {verdict}</translation>
    </message>
    <message>
        <source>Changes discarded.</source>
        <translation>Wijzigingen weggegooid.</translation>
    </message>
    <message>
        <source>Nothing to save.</source>
        <translation>Niets om op te slaan.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Opslaan…</translation>
    </message>
    <message>
        <source>Nothing was saved: {e}</source>
        <translation>Er is niets opgeslagen: {e}</translation>
    </message>
    <message>
        <source>business hours</source>
        <translation>openingstijden</translation>
    </message>
    <message>
        <source>SLA targets</source>
        <translation>SLA-normen</translation>
    </message>
    <message>
        <source>out-of-hours reply</source>
        <translation>antwoord buiten openingstijden</translation>
    </message>
    <message>
        <source>priority rules</source>
        <translation>prioriteitsregels</translation>
    </message>
    <message>
        <source>Saved: {changes}.</source>
        <translation>Opgeslagen: {changes}.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Opgeslagen.</translation>
    </message>
    <message>
        <source>Not saved: {what} — {message}</source>
        <translation>Niet opgeslagen: {what} — {message}</translation>
    </message>
</context>
<context>
    <name>ShortcutList</name>
    <message>
        <source>Find a shortcut by action or key</source>
        <translation>Zoek een sneltoets op actie of toets</translation>
    </message>
    <message>
        <source>Find a shortcut</source>
        <translation>Sneltoets zoeken</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Toetsen</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Sneltoetsen</translation>
    </message>
    <message>
        <source>No shortcut matches.</source>
        <translation>Geen sneltoets gevonden.</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Navigation</source>
        <translation>Navigatie</translation>
    </message>
    <message>
        <source>Mention</source>
        <translation>Vermelding</translation>
    </message>
    <message>
        <source>Writing</source>
        <translation>Schrijven</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>Weergaven</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Venster</translation>
    </message>
    <message>
        <source>Next / previous control</source>
        <translation>Volgend / vorig onderdeel</translation>
    </message>
    <message>
        <source>Template picker: choose, insert</source>
        <translation>Sjabloonkiezer: kiezen, invoegen</translation>
    </message>
</context>
<context>
    <name>SnoozeDateDialog</name>
    <message>
        <source>Snooze until a date</source>
        <translation>Sluimeren tot een datum</translation>
    </message>
    <message>
        <source>&amp;Snooze</source>
        <translation>&amp;Sluimeren</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Datum:</translation>
    </message>
    <message>
        <source>&amp;Time ({zone}):</source>
        <translation>&amp;Tijd ({zone}):</translation>
    </message>
    <message>
        <source>That moment has passed; choose a later one.</source>
        <translation>Dat moment is al voorbij; kies een later moment.</translation>
    </message>
    <message>
        <source>A mention can be snoozed for at most a year.</source>
        <translation>Een vermelding kan hoogstens een jaar sluimeren.</translation>
    </message>
    <message>
        <source>It comes back {when} (your computer&apos;s time).</source>
        <translation>Komt terug: {when} (de tijd van je computer).</translation>
    </message>
</context>
<context>
    <name>SnoozeMenu</name>
    <message>
        <source>Snooze</source>
        <translation>Sluimeren</translation>
    </message>
    <message>
        <source>Snooze until</source>
        <translation>Sluimeren tot</translation>
    </message>
    <message>
        <source>For 1 &amp;hour ({when})</source>
        <translation>&amp;Een uur ({when})</translation>
    </message>
    <message>
        <source>&amp;Tomorrow 9:00 ({when})</source>
        <translation>&amp;Morgen 9:00 ({when})</translation>
    </message>
    <message>
        <source>&amp;Next business day ({when})</source>
        <translation>&amp;Volgende werkdag ({when})</translation>
    </message>
    <message>
        <source>Pick a &amp;date…</source>
        <translation>&amp;Datum kiezen…</translation>
    </message>
    <message>
        <source>Until the &amp;customer writes again</source>
        <translation>Tot de &amp;klant weer schrijft</translation>
    </message>
</context>
<context>
    <name>SpanEdit</name>
    <message>
        <source>{day} opens</source>
        <extracomment>section of ``GET /v1/settings`` -&gt; the ``PUT /v1/settings/&lt;name&gt;`` that saves it the server writes its messages in English and names the weekday first (&quot;Monday: …&quot;)</extracomment>
        <translation>{day} opent</translation>
    </message>
    <message>
        <source>{day} closes</source>
        <translation>{day} sluit</translation>
    </message>
    <message>
        <source>00:00 as the closing time is midnight (24:00)</source>
        <translation>00:00 als sluitingstijd is middernacht (24:00)</translation>
    </message>
    <message>
        <source>Remove this opening span</source>
        <translation>Deze openingstijd verwijderen</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>open</source>
        <translation>open</translation>
    </message>
    <message>
        <source>claimed</source>
        <translation>opgepakt</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>beantwoord</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>afgehandeld</translation>
    </message>
    <message>
        <source>spam</source>
        <translation>spam</translation>
    </message>
</context>
<context>
    <name>TeamWindow</name>
    <message>
        <source>Webcare — Team</source>
        <extracomment>tab -&gt; the roles that see it (the server checks the same roles again)</extracomment>
        <translation>Webcare — Team</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Rapportages</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>Werkverdeling</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Auditlog</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Contacten</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Medewerkers</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanalen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Map openen</translation>
    </message>
    <message>
        <source>Show the exported file&apos;s folder</source>
        <translation>Toon de map van het geëxporteerde bestand</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>{path} opgeslagen</translation>
    </message>
</context>
<context>
    <name>TemplatePicker</name>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
    </message>
    <message>
        <source>Type to filter by title, shortcut or text</source>
        <translation>Typ om te filteren op titel, afkorting of tekst</translation>
    </message>
    <message>
        <source>Filter templates</source>
        <translation>Sjablonen filteren</translation>
    </message>
    <message>
        <source>{title} [{language}] · shortcut: {shortcut}</source>
        <translation>{title} [{language}] · afkorting: {shortcut}</translation>
    </message>
    <message>
        <source>No template matches.</source>
        <translation>Geen sjabloon gevonden.</translation>
    </message>
    <message>
        <source>You fill in: {labels}</source>
        <translation>Jij vult in: {labels}</translation>
    </message>
</context>
<context>
    <name>TemplatesView</name>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
    </message>
    <message>
        <source>There are no templates yet.</source>
        <translation>Er zijn nog geen sjablonen.</translation>
    </message>
    <message>
        <source>Press New to write the first canned answer, or Import… a JSON or CSV file.</source>
        <translation>Kies Nieuw om het eerste standaardantwoord te schrijven, of Importeren… voor een JSON- of CSV-bestand.</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nieuw</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Dupliceren</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archiveren</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importeren…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>JSON exporteren…</translation>
    </message>
    <message>
        <source>Dutch (nl)</source>
        <translation>Nederlands (nl)</translation>
    </message>
    <message>
        <source>English (en)</source>
        <translation>Engels (en)</translation>
    </message>
    <message>
        <source>one word, e.g. dm</source>
        <translation>één woord, bijv. dm</translation>
    </message>
    <message>
        <source>comma separated</source>
        <translation>gescheiden door komma&apos;s</translation>
    </message>
    <message>
        <source>Template text</source>
        <translation>Sjabloontekst</translation>
    </message>
    <message>
        <source>Variables: </source>
        <translation>Variabelen: </translation>
    </message>
    <message>
        <source>To have the agent type a value before sending, write {example}.</source>
        <translation>Laat de medewerker voor het versturen een waarde typen met {example}.</translation>
    </message>
    <message>
        <source>order number</source>
        <translation>ordernummer</translation>
    </message>
    <message>
        <source>A new template: give it a title and write its text, then Save.</source>
        <translation>Een nieuw sjabloon: geef het een titel, schrijf de tekst en kies Opslaan.</translation>
    </message>
    <message>
        <source>Load their version</source>
        <translation>Hun versie laden</translation>
    </message>
    <message>
        <source>Save mine over it</source>
        <translation>Mijn versie eroverheen opslaan</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Opslaan (Ctrl+S)</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Afkorting</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Preview with sample data:</source>
        <translation>Voorbeeld met proefgegevens:</translation>
    </message>
    <message>
        <source>title</source>
        <translation>titel</translation>
    </message>
    <message>
        <source>lang</source>
        <translation>taal</translation>
    </message>
    <message>
        <source>shortcut</source>
        <translation>afkorting</translation>
    </message>
    <message>
        <source>uses</source>
        <translation>keer gebruikt</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>gearchiveerd</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Terugzetten</translation>
    </message>
    <message>
        <source>{t} (copy)</source>
        <translation>{t} (kopie)</translation>
    </message>
    <message>
        <source>Unknown variable {names}. Known variables: {known}. To have the agent fill in a value, write {example}.</source>
        <translation>Onbekende variabele {names}. Bekende variabelen: {known}. Laat de medewerker een waarde invullen met {example}.</translation>
    </message>
    <message>
        <source>The template has an unbalanced &apos;{open}&apos; or &apos;{close}&apos;. Write variables as {example}.</source>
        <translation>Het sjabloon heeft een losse &apos;{open}&apos; of &apos;{close}&apos;. Schrijf variabelen als {example}.</translation>
    </message>
    <message>
        <source>{placeholder} has no label. Write what the agent fills in, e.g. {example}.</source>
        <translation>{placeholder} heeft geen naam. Schrijf wat de medewerker invult, bijvoorbeeld {example}.</translation>
    </message>
    <message>
        <source>The label of {placeholder} contains a brace; write it without {open} or {close}.</source>
        <translation>De naam in {placeholder} bevat een accolade; schrijf hem zonder {open} of {close}.</translation>
    </message>
    <message>
        <source>The label of {placeholder} must be one line of ordinary characters.</source>
        <translation>De naam in {placeholder} moet één regel gewone tekens zijn.</translation>
    </message>
    <message>
        <source>The label of {placeholder} is longer than {n} characters; a few words are enough.</source>
        <translation>De naam in {placeholder} is langer dan {n} tekens; een paar woorden zijn genoeg.</translation>
    </message>
    <message>
        <source>Fills in: {names}</source>
        <translation>Vult in: {names}</translation>
    </message>
    <message>
        <source>Asks the agent for: {labels}</source>
        <translation>Vraagt de medewerker om: {labels}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Opslaan…</translation>
    </message>
    <message>
        <source>Saved (version {v}).</source>
        <translation>Opgeslagen (versie {v}).</translation>
    </message>
    <message>
        <source>Someone else saved version {v} meanwhile. Their text:

{body}

Your text is still in the editor; nothing was overwritten.</source>
        <translation>Iemand anders heeft intussen versie {v} opgeslagen. Hun tekst:

{body}

Jouw tekst staat nog in de editor; er is niets overschreven.</translation>
    </message>
    <message>
        <source>Import templates</source>
        <translation>Sjablonen importeren</translation>
    </message>
    <message>
        <source>Templates (*.json *.csv)</source>
        <translation>Sjablonen (*.json *.csv)</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n template(s).</source>
        <translation>
            <numerusform>%n sjabloon geïmporteerd.</numerusform>
            <numerusform>%n sjablonen geïmporteerd.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>Kon {path} niet opslaan: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n template(s) to {p}.</source>
        <translation>
            <numerusform>%n sjabloon geëxporteerd naar {p}.</numerusform>
            <numerusform>%n sjablonen geëxporteerd naar {p}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not imported: {f}</source>
        <translation>Niet geïmporteerd: {f}</translation>
    </message>
    <message>
        <source>e.g. Hoi {{customer_name}}, …  {{agent_signature}}</source>
        <translation>bijv. Hoi {{customer_name}}, …  {{agent_signature}}</translation>
    </message>
    <message>
        <source>Export templates</source>
        <translation>Sjablonen exporteren</translation>
    </message>
    <message>
        <source>JSON (*.json);;CSV (*.csv)</source>
        <translation>JSON (*.json);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>Mon</source>
        <translation>ma</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>di</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>wo</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>do</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>vr</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>za</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>zo</translation>
    </message>
    <message>
        <source>Jan</source>
        <translation>jan</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>feb</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>mrt</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>apr</translation>
    </message>
    <message>
        <source>May</source>
        <translation>mei</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>jun</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>jul</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>aug</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>sep</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>okt</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>nov</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>dec</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>zojuist</translation>
    </message>
    <message>
        <source>{n} min ago</source>
        <translation>{n} min geleden</translation>
    </message>
    <message>
        <source>{n} h ago</source>
        <translation>{n} uur geleden</translation>
    </message>
    <message>
        <source>today</source>
        <translation>vandaag</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>gisteren</translation>
    </message>
    <message>
        <source>tomorrow</source>
        <translation>morgen</translation>
    </message>
    <message>
        <source>under a minute</source>
        <translation>minder dan een minuut</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} dagen</translation>
    </message>
    <message>
        <source>{h} h</source>
        <translation>{h} u</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} u {m} min</translation>
    </message>
</context>
<context>
    <name>WebcareApp</name>
    <message>
        <source>This account has no local data yet; connect to the server once.</source>
        <translation>Dit account heeft nog geen lokale gegevens; maak eerst één keer verbinding met de server.</translation>
    </message>
</context>
<context>
    <name>WorkloadView</name>
    <message>
        <source>Claims held now</source>
        <translation>Nu opgepakte vermeldingen</translation>
    </message>
    <message>
        <source>Nobody is working on a mention right now.</source>
        <translation>Niemand werkt op dit moment aan een vermelding.</translation>
    </message>
    <message>
        <source>When agents claim mentions, this tab shows who holds which one, for how long and when each claim ends. Select a claim to release it or give it to someone else.</source>
        <translation>Als medewerkers vermeldingen oppakken, zie je hier wie welke heeft, hoe lang al en wanneer elke claim verloopt. Kies een opgepakte vermelding om die vrij te geven of aan iemand anders toe te wijzen.</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Vrijgeven</translation>
    </message>
    <message>
        <source>Reassign to</source>
        <translation>Toewijzen aan</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>medewerker</translation>
    </message>
    <message>
        <source>mention</source>
        <translation>vermelding</translation>
    </message>
    <message>
        <source>author</source>
        <translation>auteur</translation>
    </message>
    <message>
        <source>text</source>
        <translation>tekst</translation>
    </message>
    <message>
        <source>held for</source>
        <translation>al opgepakt</translation>
    </message>
    <message>
        <source>claim ends in</source>
        <translation>claim verloopt over</translation>
    </message>
    <message>
        <source>Nobody can sign in yet.</source>
        <translation>Nog niemand kan zich aanmelden.</translation>
    </message>
    <message>
        <source>{name} (away)</source>
        <translation>{name} (afwezig)</translation>
    </message>
    <message>
        <source>Select a claim first.</source>
        <translation>Kies eerst een opgepakte vermelding.</translation>
    </message>
    <message>
        <source>Done (recorded in the audit log).</source>
        <translation>Gedaan (vastgelegd in de auditlog).</translation>
    </message>
</context>
</TS>
