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
        <source>imported</source>
        <translation>geïmporteerd</translation>
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
        <source>action, e.g. claim.assign</source>
        <translation>actie, bijv. claim.assign</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Tonen</translation>
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
        <source>system</source>
        <translation>systeem</translation>
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
        <translation>aan</translation>
    </message>
    <message>
        <source>last fetch</source>
        <translation>laatst opgehaald</translation>
    </message>
    <message>
        <source>next fetch</source>
        <translation>volgende ophaalbeurt</translation>
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
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Reply text</source>
        <translation>Antwoordtekst</translation>
    </message>
    <message>
        <source>Write a reply… (T: template, Ctrl+Enter: send, N: internal note)</source>
        <translation>Schrijf een antwoord… (T: sjabloon, Ctrl+Enter: verzenden, N: interne notitie)</translation>
    </message>
    <message>
        <source>Template…</source>
        <translation>Sjabloon…</translation>
    </message>
    <message>
        <source>Pick a canned answer (T)</source>
        <translation>Kies een standaardantwoord (T)</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Interne notitie</translation>
    </message>
    <message>
        <source>Write a note only your team sees (N)</source>
        <translation>Schrijf een notitie die alleen je team ziet (N)</translation>
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
        <source>Save note</source>
        <translation>Notitie opslaan</translation>
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
        <translation>Tekst terugzetten in het antwoordveld</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Negeren</translation>
    </message>
    <message>
        <source>Try delivering again</source>
        <translation>Opnieuw bezorgen</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>Who is working on this mention</source>
        <translation>Wie met deze vermelding bezig is</translation>
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
        <source>Resolve</source>
        <translation>Afhandelen</translation>
    </message>
    <message>
        <source>Spam</source>
        <translation>Spam</translation>
    </message>
    <message>
        <source>Select a mention (J/K to move, C to claim).</source>
        <translation>Kies een vermelding (J/K om te bladeren, C om op te pakken).</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{s}s</source>
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
</context>
<context>
    <name>InboxController</name>
    <message>
        <source>{n} queued</source>
        <translation>{n} in de wachtrij</translation>
    </message>
    <message>
        <source>{n} not sent</source>
        <translation>{n} niet verzonden</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle kanalen</translation>
    </message>
    <message>
        <source>{n} followers</source>
        <translation>{n} volgers</translation>
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
        <source>Reopen it before replying.</source>
        <translation>Heropen haar voordat je antwoordt.</translation>
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
        <source>{channel} is listen-only: replies cannot be posted there. Open it on the platform (O) to respond, then resolve it (E).</source>
        <translation>{channel} is alleen om mee te lezen: antwoorden kunnen daar niet geplaatst worden. Open de vermelding op het platform (O) om te reageren en handel haar daarna af (E).</translation>
    </message>
    <message>
        <source>This channel</source>
        <translation>Dit kanaal</translation>
    </message>
    <message>
        <source>Asking the server to deliver it again…</source>
        <translation>De server wordt gevraagd het opnieuw te bezorgen…</translation>
    </message>
    <message>
        <source>The reply is queued for delivery again.</source>
        <translation>Het antwoord staat weer in de wachtrij om bezorgd te worden.</translation>
    </message>
    <message>
        <source>You are offline: claiming needs the team server.</source>
        <translation>Je bent offline: voor oppakken is de teamserver nodig.</translation>
    </message>
    <message>
        <source>Claimed. Your reply is yours to write.</source>
        <translation>Opgepakt. Dit antwoord is aan jou.</translation>
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
        <source>Released: the mention is back in the queue.</source>
        <translation>Vrijgegeven: de vermelding staat weer in de wachtrij.</translation>
    </message>
    <message>
        <source>{name} holds this mention; your text stays here.</source>
        <translation>{name} heeft deze vermelding opgepakt; je tekst blijft hier staan.</translation>
    </message>
    <message>
        <source>This mention is {s}; reopen it first.</source>
        <translation>Deze vermelding is {s}; heropen haar eerst.</translation>
    </message>
    <message>
        <source>Note saved.</source>
        <translation>Notitie opgeslagen.</translation>
    </message>
    <message>
        <source>Reply queued; it is sent as soon as the server has it.</source>
        <translation>Antwoord in de wachtrij gezet; het wordt verzonden zodra de server het heeft.</translation>
    </message>
    <message>
        <source>Resolved.</source>
        <translation>Afgehandeld.</translation>
    </message>
    <message>
        <source>Marked as spam.</source>
        <translation>Gemarkeerd als spam.</translation>
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
        <source>1 new mention in {view}</source>
        <translation>1 nieuwe vermelding in {view}</translation>
    </message>
    <message>
        <source>{n} new mentions in {view}</source>
        <translation>{n} nieuwe vermeldingen in {view}</translation>
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
        <source>Not sent: {m} Your text is kept with the mention.</source>
        <translation>Niet verzonden: {m} Je tekst blijft bij de vermelding bewaard.</translation>
    </message>
    <message>
        <source>Loading history… {d}/{t}</source>
        <translation>Geschiedenis laden… {d}/{t}</translation>
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
        <source>Keep my sign-in in a file instead (less secure: anyone with access to your account files can use it)</source>
        <translation>Mijn aanmelding in plaats daarvan in een bestand bewaren (minder veilig: iedereen met toegang tot je accountbestanden kan haar gebruiken)</translation>
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
        <source>Search (/) — words, @handle, tag:storing, since:2017-10-11, prio:high</source>
        <translation>Zoeken (/) — woorden, @handle, tag:storing, since:2017-10-11, prio:high</translation>
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
        <source>Ctrl+1 to Ctrl+4 switch views</source>
        <translation>Ctrl+1 tot Ctrl+4 wisselen van weergave</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinden…</translation>
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
        <source>Resolve (clos&amp;e)</source>
        <translation>&amp;Afhandelen (sluiten)</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>Nu &amp;synchroniseren</translation>
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
        <source>reply · waiting for delivery</source>
        <translation>antwoord · wacht op bezorging</translation>
    </message>
    <message>
        <source>reply · delivery delayed, retrying</source>
        <translation>antwoord · bezorging vertraagd, nieuwe poging</translation>
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
        <source>Keyboard shortcuts</source>
        <translation>Sneltoetsen</translation>
    </message>
    <message>
        <source>Windows opened from now on use the new language; restart Webcare to switch this window too.</source>
        <translation>Vensters die je vanaf nu opent gebruiken de nieuwe taal; start Webcare opnieuw om ook dit venster om te zetten.</translation>
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
        <source>Mine</source>
        <translation>Van mij</translation>
    </message>
    <message>
        <source>{name} is replying…</source>
        <translation>{name} is aan het antwoorden…</translation>
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
        <source>First response, minutes (median and p90)</source>
        <translation>Eerste reactie in minuten (mediaan en p90)</translation>
    </message>
    <message>
        <source>Mentions over their SLA target</source>
        <translation>Vermeldingen over hun SLA-norm</translation>
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
        <translation>wacht te lang</translation>
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
        <source>median</source>
        <translation>mediaan</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minuten</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wachtend</translation>
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
        <translation>gebruikt</translation>
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
    <name>SettingsView</name>
    <message>
        <source>Line {n}: write a rule as &apos;high | tag | word, word*&apos; (priority: low, normal, high or urgent).</source>
        <translation>Regel {n}: schrijf een regel als &apos;high | tag | woord, woord*&apos; (prioriteit: low, normal, high of urgent).</translation>
    </message>
    <message>
        <source>&apos;{part}&apos; is not a span like 08:00-22:00.</source>
        <translation>&apos;{part}&apos; is geen tijdvak zoals 08:00-22:00.</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Tijdzone</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>Maandag</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>Dinsdag</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>Woensdag</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>Donderdag</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>Vrijdag</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>Zaterdag</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>Zondag</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoog</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normaal</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Laag</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>gesloten</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Feestdagen</translation>
    </message>
    <message>
        <source>Save business hours</source>
        <translation>Openingstijden opslaan</translation>
    </message>
    <message>
        <source>Business hours (SLA clocks pause outside them)</source>
        <translation>Openingstijden (daarbuiten staat de SLA-klok stil)</translation>
    </message>
    <message>
        <source>Holidays (one date per line)</source>
        <translation>Feestdagen (één datum per regel)</translation>
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
        <source>Save targets</source>
        <translation>Normen opslaan</translation>
    </message>
    <message>
        <source>Acknowledge mentions that arrive outside hours</source>
        <translation>Vermeldingen buiten openingstijden automatisch bevestigen</translation>
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
        <source>Template</source>
        <translation>Sjabloon</translation>
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
        <source>Keyword rules</source>
        <translation>Trefwoordregels</translation>
    </message>
    <message>
        <source>One rule per line: priority | tag | words. A word ending in * matches every word that starts with it (opzeg* = opzeggen, opzegging).</source>
        <translation>Eén regel per lijn: prioriteit (low, normal, high of urgent) | tag | woorden. Een woord dat op * eindigt, past op elk woord dat ermee begint (opzeg* = opzeggen, opzegging).</translation>
    </message>
    <message>
        <source>Negative words</source>
        <translation>Negatieve woorden</translation>
    </message>
    <message>
        <source>Save rules</source>
        <translation>Regels opslaan</translation>
    </message>
    <message>
        <source>Priority rules for new mentions</source>
        <translation>Prioriteitsregels voor nieuwe vermeldingen</translation>
    </message>
    <message>
        <source>Influencer from</source>
        <translation>Influencer vanaf</translation>
    </message>
    <message>
        <source>Influencer priority</source>
        <translation>Prioriteit voor influencers</translation>
    </message>
    <message>
        <source>Negative priority</source>
        <translation>Prioriteit bij negatieve woorden</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Opgeslagen.</translation>
    </message>
</context>
<context>
    <name>ShortcutTable</name>
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
        <source>No template matches.</source>
        <translation>Geen sjabloon gevonden.</translation>
    </message>
</context>
<context>
    <name>TemplatesView</name>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
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
        <source>Hoi {{customer_name}}, …  {{agent_signature}}</source>
        <translation>Hoi {{customer_name}}, …  {{agent_signature}}</translation>
    </message>
    <message>
        <source>Variables: </source>
        <translation>Variabelen: </translation>
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
        <translation>gebruikt</translation>
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
        <source>under a minute</source>
        <translation>minder dan een minuut</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
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
        <translation>opgepakt sinds</translation>
    </message>
    <message>
        <source>lease left</source>
        <translation>claim resteert</translation>
    </message>
    <message>
        <source>Nobody can sign in yet.</source>
        <translation>Nog niemand kan zich aanmelden.</translation>
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
