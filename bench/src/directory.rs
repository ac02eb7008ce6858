//! `guichet-bench directory-sync`: the LDAP sync of issue 6 at scale. Starts a throwaway slapd
//! on a loopback port (the test fixtures' AAF-like schema and configuration), loads it with
//! `slapadd` (establishments and people generated here, streamed to a file), then times a first
//! sync into a fresh database (everyone created), a second one (nothing changes) and a dry
//! run, with this process's peak resident memory after each.

use crate::procfs::Memory;
use anyhow::{Context, bail};
use guichet_app::admin::OrgNodeInput;
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::Uai;
use guichet_directory::{LdapConfig, Secret, ldap};
use guichet_store::{Store, StoreOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BASE: &str = "dc=education,dc=gouv,dc=fr";

/// What to measure.
#[derive(Debug, Clone, clap::Args)]
pub struct DirectoryArgs {
    /// `sqlite://path` or `postgres://user@127.0.0.1:5432/db` (recreated first).
    #[arg(long, env = "GUICHET_DATABASE_URL")]
    pub database_url: String,
    #[arg(long, default_value_t = 200_000)]
    pub people: u32,
    #[arg(long, default_value_t = 6_000)]
    pub establishments: u32,
    #[arg(long, default_value_t = 500)]
    pub page_size: i32,
    #[arg(long, default_value_t = 500)]
    pub batch_size: usize,
}

struct Slapd(Child, PathBuf);

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/directory/tests/fixtures")
}

fn uai(n: u32) -> anyhow::Result<String> {
    Ok(Uai::from_number(210_000 + n)
        .context("establishment numbers stay below 7 digits")?
        .to_string())
}

/// Writes the directory: the fixture's base entries, then the generated ones.
fn write_ldif(path: &Path, args: &DirectoryArgs) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(std::fs::read(fixtures().join("base.ldif"))?.as_slice())?;
    out.write_all(b"\n")?;
    for s in 1..=args.establishments {
        let u = uai(s)?;
        let kind = if s % 8 == 0 {
            "CLG"
        } else {
            "ECOLE PRIMAIRE PUBLIQUE"
        };
        write!(
            out,
            "dn: ou={u},ou=structures,{BASE}\nobjectClass: ENTStructure\nou: {u}\n\
             ENTStructureUAI: {u}\nENTStructureNomCourant: ETABLISSEMENT {s}\n\
             ENTStructureTypeStruct: {kind}\nl: COMMUNE {}\n\n",
            s % 700
        )?;
    }
    for p in 0..args.people {
        let school = uai(p % args.establishments + 1)?;
        let (function, resp) = if p % 25 == 0 {
            ("DIR", school.clone())
        } else {
            ("ENS", "X".to_owned())
        };
        write!(
            out,
            "dn: uid=p{p:07},ou=personnels,{BASE}\nobjectClass: ENTPerson\nuid: p{p:07}\n\
             cn: Personne {p}\nsn: Personne\ngivenName: N{p}\nmail: p{p:07}@ac-dijon.fr\n\
             FrEduRne: {school}$UAJ$PU$N$T3$ECOL$340\nFrEduRneResp: {resp}$UAJ\n\
             FrEduFonctAdm: {function}\n\n"
        )?;
    }
    Ok(())
}

fn start_slapd(args: &DirectoryArgs) -> anyhow::Result<(Slapd, String)> {
    let dir = std::env::temp_dir().join(format!("guichet-bench-slapd-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("data"))?;
    std::fs::copy(fixtures().join("aaf.schema"), dir.join("aaf.schema"))?;
    let conf = std::fs::read_to_string(fixtures().join("slapd.conf"))?
        .replace("@DIR@", &dir.display().to_string())
        .replace("maxsize 104857600", "maxsize 8589934592");
    std::fs::write(dir.join("slapd.conf"), conf)?;
    write_ldif(&dir.join("data.ldif"), args)?;
    let t = Instant::now();
    let status = Command::new("/usr/sbin/slapadd")
        .arg("-q")
        .arg("-f")
        .arg(dir.join("slapd.conf"))
        .arg("-l")
        .arg(dir.join("data.ldif"))
        .status()
        .context("slapadd (apt-get install slapd)")?;
    if !status.success() {
        bail!("slapadd failed");
    }
    std::fs::remove_file(dir.join("data.ldif"))?;
    eprintln!(
        "slapadd: {} entries in {:.1} s",
        args.people + args.establishments,
        t.elapsed().as_secs_f64()
    );
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port();
    let url = format!("ldap://127.0.0.1:{port}");
    let child = Command::new("/usr/sbin/slapd")
        .arg("-f")
        .arg(dir.join("slapd.conf"))
        .arg("-h")
        .arg(format!("{url}/"))
        .args(["-d", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting slapd")?;
    Ok((Slapd(child, dir), url))
}

pub async fn run(args: DirectoryArgs) -> anyhow::Result<()> {
    let (_slapd, url) = start_slapd(&args)?;
    let config = LdapConfig {
        url,
        bind_dn: format!("cn=guichet-sync,{BASE}"),
        bind_password: Secret::new("reader-secret"),
        people_base: format!("ou=personnels,{BASE}"),
        establishments_base: format!("ou=structures,{BASE}"),
        page_size: args.page_size,
        batch_size: args.batch_size,
        ..LdapConfig::default()
    };
    let mut ready = false;
    for _ in 0..600 {
        if ldap::connect(&config).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::ensure!(ready, "slapd did not answer");

    crate::load::recreate(&args.database_url).await?;
    let store = Store::connect(&args.database_url, &StoreOptions::default()).await?;
    store.migrate().await?;
    let app = App::new(store.clone(), Arc::new(SystemClock), AppConfig::default());
    let caller = Caller::system("bench");
    let academie = app
        .create_org_node(
            &caller,
            OrgNodeInput {
                kind: "academie".into(),
                name: "Académie".into(),
                ..OrgNodeInput::default()
            },
        )
        .await?;
    app.create_org_node(
        &caller,
        OrgNodeInput {
            kind: "departement".into(),
            parent: Some(academie.id),
            name: "Côte-d'Or".into(),
            code: Some("21".into()),
            ..OrgNodeInput::default()
        },
    )
    .await?;
    let me = std::process::id();
    let before = Memory::read(me)?;
    println!(
        "engine={} people={} establishments={} page_size={} batch_size={} rss_before_kib={}",
        if args.database_url.starts_with("sqlite") {
            "sqlite"
        } else {
            "postgres"
        },
        args.people,
        args.establishments,
        args.page_size,
        args.batch_size,
        before.rss_kib
    );
    for (name, dry) in [("first", false), ("again", false), ("dry_run", true)] {
        let t = Instant::now();
        let report = ldap::sync(&app, &caller, &config, dry).await?;
        let secs = t.elapsed().as_secs_f64();
        let mem = Memory::read(me)?;
        let c = report.counts;
        println!(
            "sync={name} seconds={secs:.1} people_per_s={:.0} created={} updated={} \
             deactivated={} rejected={} rss_kib={} peak_rss_kib={}",
            f64::from(args.people) / secs,
            c.persons_created + c.establishments_created,
            c.persons_updated + c.establishments_updated,
            c.persons_deactivated,
            c.persons_rejected + c.establishments_rejected,
            mem.rss_kib,
            mem.hwm_kib
        );
    }
    store.close().await;
    Ok(())
}
