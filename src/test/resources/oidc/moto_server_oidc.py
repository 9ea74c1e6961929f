"""moto_server with the two IAM actions moto 5.2.1 lacks: AddClientIDToOpenIDConnectProvider and
RemoveClientIDFromOpenIDConnectProvider (its providers keep a client_id_list, but no action edits
it). Everything else is moto's own. Usage: moto_server_oidc.py -H 127.0.0.1 -p PORT
"""

import sys

from moto.core.responses import EmptyResult
from moto.iam.responses import IamResponse
from moto.server import main


def add_client_id_to_open_id_connect_provider(self):
    provider = self.backend.get_open_id_connect_provider(
        self._get_param("OpenIDConnectProviderArn")
    )
    client_id = self._get_param("ClientID")
    if client_id not in provider.client_id_list:
        provider.client_id_list.append(client_id)
    return EmptyResult()


def remove_client_id_from_open_id_connect_provider(self):
    provider = self.backend.get_open_id_connect_provider(
        self._get_param("OpenIDConnectProviderArn")
    )
    client_id = self._get_param("ClientID")
    if client_id in provider.client_id_list:
        provider.client_id_list.remove(client_id)
    return EmptyResult()


if not hasattr(IamResponse, "add_client_id_to_open_id_connect_provider"):
    IamResponse.add_client_id_to_open_id_connect_provider = (
        add_client_id_to_open_id_connect_provider
    )
if not hasattr(IamResponse, "remove_client_id_from_open_id_connect_provider"):
    IamResponse.remove_client_id_from_open_id_connect_provider = (
        remove_client_id_from_open_id_connect_provider
    )

if __name__ == "__main__":
    main(sys.argv[1:])
