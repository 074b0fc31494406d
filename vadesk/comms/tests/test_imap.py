"""IMAP polling against a real Dovecot started unprivileged by the test (see STACK.md)."""

import imaplib
import shutil
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from vadesk.comms.addresses import task_reply_address
from vadesk.comms.imap import ImapConfig, imap_poll
from vadesk.comms.inbound import inbound_receive
from vadesk.comms.models import InboundMessage
from vadesk.comms.tests.servers import free_port
from vadesk.tasks.models import Comment

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = """
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={dir}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot():
    if not Path(DOVECOT).exists():
        # Not a skip: without the real server the IMAP path would go untested (make test installs it).
        pytest.fail("Dovecot is not installed: apt-get install dovecot-imapd")
    # Dovecot's processes run as nobody: pytest's own tmp_path (mode 0700) is out of their reach.
    tmp_path = Path(tempfile.mkdtemp(prefix="vadesk-dovecot-"))
    port = free_port()
    for name in ("run", "state", "mail"):
        (tmp_path / name).mkdir()
    (tmp_path / "mail").chmod(0o777)
    tmp_path.chmod(0o755)
    (tmp_path / "passwd").write_text("desk:{PLAIN}secret\n")
    conf = tmp_path / "dovecot.conf"
    conf.write_text(CONFIG.format(dir=tmp_path, port=port))
    subprocess.run([DOVECOT, "-c", str(conf)], check=True, timeout=30)
    config = ImapConfig(host="127.0.0.1", port=port, username="desk", password="secret", security="none")
    for _ in range(50):
        try:
            imaplib.IMAP4("127.0.0.1", port).logout()
            break
        except OSError:
            time.sleep(0.1)
    yield config
    subprocess.run([DOVECOT, "-c", str(conf), "stop"], timeout=30)
    shutil.rmtree(tmp_path, ignore_errors=True)


def append(config: ImapConfig, message: EmailMessage) -> None:
    client = imaplib.IMAP4(config.host, config.port)
    client.login(config.username, config.password)
    client.append("INBOX", None, None, message.as_bytes())
    client.logout()


def unseen(config: ImapConfig) -> int:
    client = imaplib.IMAP4(config.host, config.port)
    client.login(config.username, config.password)
    client.select("INBOX")
    _, found = client.uid("SEARCH", None, "UNSEEN")
    client.logout()
    return len((found[0] or b"").split())


def reply(task) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Cees Acme <ceo@acme.example>"
    message["To"] = task_reply_address("desk@vadesk.localhost", task.pk)
    message["Subject"] = "Re: vergadering"
    message["Message-ID"] = make_msgid(domain="acme.example")
    message.set_content("Prima, zo doen we het.")
    return message


def test_new_mail_is_filed_and_marked_seen(dovecot, task, cees):
    append(dovecot, reply(task))
    assert unseen(dovecot) == 1

    assert imap_poll(dovecot) == {"comment": 1}

    assert Comment.objects.get(task=task).body.endswith("Prima, zo doen we het.")
    assert unseen(dovecot) == 0
    assert imap_poll(dovecot) == {}


def test_a_crash_before_the_seen_flag_files_the_message_once(dovecot, task, cees):
    message = reply(task)
    append(dovecot, message)
    inbound_receive(raw=message.as_bytes())  # stored, then the poller "died" before flagging it

    assert imap_poll(dovecot) == {"comment": 1}  # read again, recognised by its Message-ID
    assert Comment.objects.filter(task=task).count() == 1 and InboundMessage.objects.count() == 1
    assert unseen(dovecot) == 0
