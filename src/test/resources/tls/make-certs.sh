#!/bin/sh
# Test-only certificates for the mutual-TLS tests (EmrTls*Test). Never used outside tests.
# Made with OpenSSL 3.0 by running this script in this directory; valid for 100 years
# (the expired one ended in 2001). Re-run it to make new ones (the tests read whatever is here).
set -e
days=36500
# the clinic's CA, which signs the EMR's server certificate and the engine's client certificate
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $days -subj "/CN=Test Clinic CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
# another CA, which the EMR's server certificate was not signed by
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days $days -subj "/CN=Other CA"
# the EMR's server certificate, for 127.0.0.1 and localhost
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
printf "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days $days -extfile server.ext
# the engine's client certificate (RSA) and one on EC P-256
openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=telenc-engine/O=Test Clinic"
printf "extendedKeyUsage=clientAuth\n" > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days $days -extfile client.ext
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client-ec.key -out client-ec.csr -subj "/CN=telenc-engine-ec"
openssl x509 -req -in client-ec.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client-ec.pem -days $days -extfile client.ext
# an expired client certificate (1 Jan 2000 to 1 Jan 2001), with the client key
printf "[ca]\ndefault_ca=t\n[t]\ndatabase=index.txt\nserial=serial.txt\nnew_certs_dir=.\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n" > ca.cnf
: > index.txt; echo 1000 > serial.txt
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in client.csr -out client-expired.pem \
  -startdate 20000101000000Z -enddate 20010101000000Z -notext -subj "/CN=telenc-engine-expired"
# PKCS#8 keys (BEGIN PRIVATE KEY) for the engine; the server's stays as made
for k in client client-ec; do openssl pkcs8 -topk8 -nocrypt -in $k.key -out $k-key.pem; done
openssl pkcs8 -topk8 -nocrypt -in server.key -out server-key.pem
# a DSA key: a type the engine does not take
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.param
openssl genpkey -paramfile dsa.param -out dsa-key.pem
rm -f *.csr *.ext *.srl ca.cnf index.txt* serial.txt* dsa.param 1000.pem client.key client-ec.key server.key other-ca.key
