"""``workplan remind``: digests by mail for members who are not looking at the board.

A top layer beside ``cli/`` (it uses ``store`` and ``model``, never the board or click):

* ``config`` - how mail leaves this machine (SMTP or the system's sendmail), from the
  administrator's own config file and environment, never from the shared file;
* ``message`` - one plain-text UTF-8 message per member, untrusted text kept out of headers;
* ``transport`` - SMTP with smtplib, or a sendmail program;
* ``sent`` - what was sent, beside the data file, under the same locking rules;
* ``run`` - who is due a digest this period, sending, recording, retrying.

What a digest carries is the model's (``model/digest.py``).
"""
